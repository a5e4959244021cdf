"""The line `make test` prints about the browser tests (no browser needed)."""

from pathlib import Path

from tests.e2e import requirements


def test_missing_tools_are_named_with_the_install_command(monkeypatch, tmp_path):
    monkeypatch.setattr(requirements, "CHROMIUM", Path("/nonexistent/chromium"))
    monkeypatch.setattr(requirements, "AXE_JS", tmp_path / "node_modules" / "axe-core" / "axe.min.js")
    monkeypatch.setattr(requirements, "ROOT", tmp_path)

    line = requirements.status_line()

    assert line.startswith("Browser tests will be SKIPPED: /nonexistent/chromium not found; ")
    assert "node_modules/axe-core/axe.min.js not found" in line
    assert line.endswith("(install with: apt-get install chromium fonts-ipafont-gothic; npm install)")
    assert "\n" not in line
    assert requirements.main() == 1


def test_font_check_reads_fc_list(monkeypatch):
    monkeypatch.setattr(requirements.shutil, "which", lambda name: None)
    assert "IPA Gothic font" in requirements.skip_reason()
