"""Compare two demo-run output trees: sheet values of every .xlsx and the text of every .docx.

Used around refactors that must not change what the program produces (issue 14): run
`qm demo-run A` before and `qm demo-run B` after, then `python bench/compare_outputs.py A B`.
Prints one line per differing file (and the first differing cells/paragraphs) and exits 1 when
anything differs. Volatile values (run timestamps, elapsed seconds, SHA-256 of files written at
run time) are masked so two runs of the same code compare equal.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

_VOLATILE = [
    re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?"),  # timestamps
    re.compile(r"\b[0-9a-f]{64}\b"),  # SHA-256 of files written during the run
    re.compile(r"用时\s*[\d.]+\s*秒"),
]


def _mask(value: object) -> str:
    text = "" if value is None else str(value)
    for pattern in _VOLATILE:
        text = pattern.sub("<v>", text)
    return text


def xlsx_cells(path: Path) -> dict[str, list[list[str]]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return {name: [[_mask(v) for v in row] for row in book.get_sheet_by_name(name).to_python()]
            for name in book.sheet_names}


def xlsx_formulas(path: Path) -> dict[str, list]:
    """What the workbook computes and guides with: every formula, data validation and conditional
    format (calamine sees only cached values, and files written by openpyxl have none)."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    out: dict[str, list] = {}
    for ws in book.worksheets:
        formulas = [(c.coordinate, _mask(c.value)) for row in ws.iter_rows() for c in row
                    if isinstance(c.value, str) and c.value.startswith("=")]
        validations = [(str(d.sqref), d.type, d.formula1, d.formula2, d.prompt, d.error)
                       for d in ws.data_validations.dataValidation]
        formats = [(str(rng.sqref), [(r.type, r.formula) for r in rules])
                   for rng, rules in ws.conditional_formatting._cf_rules.items()]
        out[ws.title] = [formulas, validations, formats]
    return out


def docx_text(path: Path) -> list[str]:
    import docx

    document = docx.Document(str(path))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    for section in document.sections:
        lines.extend(p.text for p in section.footer.paragraphs)
    return [_mask(line) for line in lines]


def compare(a: Path, b: Path) -> list[str]:
    problems: list[str] = []
    files_a = {p.relative_to(a) for p in a.rglob("*") if p.suffix in (".xlsx", ".docx")}
    files_b = {p.relative_to(b) for p in b.rglob("*") if p.suffix in (".xlsx", ".docx")}
    for rel in sorted(files_a ^ files_b):
        problems.append(f"only in {'A' if rel in files_a else 'B'}: {rel}")
    for rel in sorted(files_a & files_b):
        readers = (xlsx_cells, xlsx_formulas) if rel.suffix == ".xlsx" else (docx_text,)
        for reader in readers:
            left, right = reader(a / rel), reader(b / rel)
            if left != right:
                problems.append(f"differs ({reader.__name__}): {rel}: {_first_difference(left, right)}")
    return problems


def _first_difference(left, right) -> str:
    if isinstance(left, dict):
        if left.keys() != right.keys():
            return f"sheets {sorted(left)} vs {sorted(right)}"
        for name in left:
            if left[name] != right[name]:
                return f"sheet {name}: " + _first_difference(left[name], right[name])
    for i, (x, y) in enumerate(zip(left, right)):
        if x != y:
            return f"item {i}: {x!r:.200} vs {y!r:.200}"
    return f"length {len(left)} vs {len(right)}"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: compare_outputs.py DIR_A DIR_B", file=sys.stderr)
        return 2
    problems = compare(Path(argv[0]), Path(argv[1]))
    for line in problems:
        print(line)
    print(f"{len(problems)} difference(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
