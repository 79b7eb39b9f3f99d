"""Builders for issue 17's broken inputs (hygiene of paths and files), shared by its tests.

Each builder changes a real demo return (made by addin.demo.generator) at the package level, the
way a hostile or careless file arrives, without calling the code under test.
"""
from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path

from tests.hostile import rewrite_zip, sheet_member

EXTERNAL_TARGET = "file:///\\\\203.0.113.5\\share\\台账.xlsx"


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def tree_hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): sha(p) for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def _add_rel(rels: bytes, rid: str, rtype: str, target: str, external: bool = False) -> bytes:
    mode = ' TargetMode="External"' if external else ""
    rel = f'<Relationship Id="{rid}" Type="{rtype}" Target="{target}"{mode}/>'.encode()
    return rels.replace(b"</Relationships>", rel + b"</Relationships>")


def _empty_rels() -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>')


R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def with_active_content(data: bytes, sheet_title: str = "监督抽测") -> bytes:
    """The return ``data`` with an external workbook link, a file:// hyperlink, a DDE formula, an
    external-reference formula and defined name, an OLE object and a VBA project."""
    member = sheet_member(data, sheet_title)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        sheet = zf.read(member)
        sheet_rels_name = member.replace("worksheets/", "worksheets/_rels/") + ".rels"
        srels = zf.read(sheet_rels_name) if sheet_rels_name in names else _empty_rels()
        wb = zf.read("xl/workbook.xml")
        wrels = zf.read("xl/_rels/workbook.xml.rels")
        ct = zf.read("[Content_Types].xml")

    # formulas in two cells far right of the data (column AZ, rows 2 and 3)
    cells = (b'<c r="AZ2"><f>cmd|\' /C calc\'!A0</f><v>0</v></c>')
    cells3 = (b'<c r="AZ3"><f>[1]Sheet1!A1</f><v>5</v></c>')
    cells4 = b'<c r="AZ4" t="str"><v>link</v></c>'
    sheet = _put_cell(sheet, 2, cells)
    sheet = _put_cell(sheet, 3, cells3)
    sheet = _put_cell(sheet, 4, cells4)
    # hyperlink and OLE object
    srels = _add_rel(srels, "rIdQmLink", f"{R}/hyperlink", EXTERNAL_TARGET, external=True)
    srels = _add_rel(srels, "rIdQmOle", f"{R}/oleObject", "../embeddings/oleObject1.bin")
    hyper = b'<hyperlinks><hyperlink ref="AZ4" r:id="rIdQmLink"/></hyperlinks>'
    ole = (b'<oleObjects><oleObject progId="Package" shapeId="1025" r:id="rIdQmOle"/></oleObjects>')
    sheet = _insert_after_sheetdata(sheet, hyper, ole)
    root = sheet[sheet.index(b"<worksheet"):sheet.index(b">", sheet.index(b"<worksheet"))]
    if b"xmlns:r=" not in root:
        sheet = sheet.replace(b"<worksheet ", b'<worksheet xmlns:r="' + R.encode() + b'" ', 1)
    # external workbook link
    wrels = _add_rel(wrels, "rIdQmExt", f"{R}/externalLink", "externalLinks/externalLink1.xml")
    ext = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
           b'xmlns:r="' + R.encode() + b'"><externalBook r:id="rId1"><sheetNames><sheetName val="Sheet1"/>'
           b'</sheetNames></externalBook></externalLink>')
    ext_rels = _add_rel(_empty_rels(), "rId1", f"{R}/externalLinkPath", EXTERNAL_TARGET, external=True)
    root = wb[wb.index(b"<workbook"):wb.index(b">", wb.index(b"<workbook"))]
    if b"xmlns:r=" not in root:
        wb = wb.replace(b"<workbook ", b'<workbook xmlns:r="' + R.encode() + b'" ', 1)
    wb = _workbook_add(wb, b'<externalReferences><externalReference r:id="rIdQmExt"/></externalReferences>',
                       b'<definedName name="QmOutside">[1]Sheet1!$A$1</definedName>')
    ct = ct.replace(b"</Types>",
                    b'<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/>'
                    b'<Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>'
                    b"</Types>")
    change = {member: sheet, "xl/workbook.xml": wb, "xl/_rels/workbook.xml.rels": wrels,
              "[Content_Types].xml": ct}
    add = {"xl/externalLinks/externalLink1.xml": ext,
           "xl/externalLinks/_rels/externalLink1.xml.rels": ext_rels,
           "xl/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504,
           "xl/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\1" * 504}
    if sheet_rels_name in names:
        change[sheet_rels_name] = srels
    else:
        add[sheet_rels_name] = srels
    return rewrite_zip(data, change, add)


def _put_cell(sheet: bytes, row: int, cell: bytes) -> bytes:
    m = re.search(rb'<row [^>]*r="%d"[^>]*?(/?)>' % row, sheet)
    if m is None:
        raise AssertionError(f"row {row} not in the sheet")
    if m.group(1) == b"/":
        return sheet[:m.start()] + m.group(0)[:-2] + b">" + cell + b"</row>" + sheet[m.end():]
    end = sheet.index(b"</row>", m.end())
    return sheet[:end] + cell + sheet[end:]


def _insert_after_sheetdata(sheet: bytes, hyper: bytes, ole: bytes) -> bytes:
    """hyperlinks go after mergeCells/phoneticPr/conditionalFormatting/dataValidations; oleObjects
    after the page setup parts: put each before the first element that must follow it."""
    def before(xml: bytes, part: bytes, followers: list[bytes]) -> bytes:
        pos = [xml.find(b"<" + f) for f in followers]
        pos = [p for p in pos if p >= 0]
        at = min(pos) if pos else xml.rindex(b"</worksheet>")
        return xml[:at] + part + xml[at:]
    if b"<hyperlinks>" in sheet:
        sheet = sheet.replace(b"</hyperlinks>", hyper[len(b"<hyperlinks>"):-len(b"</hyperlinks>")] + b"</hyperlinks>")
    else:
        sheet = before(sheet, hyper, [b"printOptions", b"pageMargins", b"pageSetup", b"headerFooter",
                                      b"rowBreaks", b"colBreaks", b"customProperties", b"cellWatches",
                                      b"ignoredErrors", b"smartTags", b"drawing", b"legacyDrawing",
                                      b"picture", b"oleObjects", b"controls", b"webPublishItems",
                                      b"tableParts", b"extLst"])
    return before(sheet, ole, [b"controls", b"webPublishItems", b"tableParts", b"extLst"])


def _workbook_add(wb: bytes, ext_refs: bytes, name: bytes) -> bytes:
    if b"<definedNames>" in wb:
        wb = wb.replace(b"<definedNames>", b"<definedNames>" + name, 1)
        at = wb.index(b"<definedNames>")
        return wb[:at] + ext_refs + wb[at:]
    for follower in (b"<calcPr", b"<oleSize", b"<customWorkbookViews", b"<pivotCaches", b"<extLst", b"</workbook>"):
        at = wb.find(follower)
        if at >= 0:
            return wb[:at] + ext_refs + b"<definedNames>" + name + b"</definedNames>" + wb[at:]
    raise AssertionError("workbook.xml without an end")


def with_stray_cell(data: bytes, sheet_title: str = "监督抽测", ref: str = "XFD1048576", value: str = "x") -> bytes:
    """The return with one more inline-string cell at ``ref`` (its own last row) in ``sheet_title``."""
    member = sheet_member(data, sheet_title)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheet = zf.read(member)
    row = int(re.sub(r"[A-Z]", "", ref))
    sheet = re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{ref}"/>'.encode(), sheet, count=1)  # as Excel does
    cell = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c></row>'.encode()
    existing = re.search(rb'<row [^>]*r="%d"' % row, sheet)
    if existing:
        return rewrite_zip(data, {member: _put_cell(sheet, row, cell[len(f'<row r="{row}">'):-len("</row>")].replace(
            b"<row", b""))})
    return rewrite_zip(data, {member: sheet.replace(b"</sheetData>", cell + b"</sheetData>")})
