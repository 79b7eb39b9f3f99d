"""Shared fixtures: the campaign, the contract, and the real client (LibreOffice)."""
from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

from addin.campaign.settings import load_campaign  # noqa: E402
from workbook_templates.contract import load_contract  # noqa: E402


@pytest.fixture(scope="session")
def campaign():
    return load_campaign()


@pytest.fixture(scope="session")
def contract():
    return load_contract()


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture
def soffice(tmp_path):
    """Run LibreOffice headless with a private profile; skip (or fail under QM_REQUIRE_SOFFICE=1) without it."""
    exe = soffice_path()
    if not exe:
        if os.environ.get("QM_REQUIRE_SOFFICE") == "1":
            pytest.fail("QM_REQUIRE_SOFFICE=1 but LibreOffice (soffice) is not installed")
        pytest.skip("LibreOffice (soffice) not installed")
    profile = tmp_path / f"lo-profile-{uuid.uuid4().hex[:8]}"

    def run(*args: str, cwd: Path | None = None, timeout: int = 180) -> subprocess.CompletedProcess:
        cmd = [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", *args]
        return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=True)

    return run


# -- demo returns (addin.demo.generator): generated once per session, shared by every test that needs them --
@pytest.fixture(scope="session")
def demo_manifest(tmp_path_factory, campaign):
    """``addin.demo.generator.generate_demo`` for the packaged campaign, seed 2022: its DemoManifest.

    The files are in ``Path(demo_manifest.out_dir)``; treat them as read-only (other tests share them).
    """
    from addin.demo.generator import generate_demo

    return generate_demo(tmp_path_factory.mktemp("demo"), campaign, seed=2022)


@pytest.fixture(scope="session")
def demo_dir(demo_manifest) -> Path:
    return Path(demo_manifest.out_dir)
