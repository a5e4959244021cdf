"""What the browser tests need, and one plain line saying whether they will run.

`python -m tests.e2e.requirements` prints that line (the Makefile calls it before the
test run); the e2e conftest skips with the same reason when something is missing.
"""

import importlib.util
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
INSTALL_HINT = "install with: apt-get install chromium fonts-ipafont-gothic; npm install"


def _has_ipa_gothic() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    try:
        fonts = subprocess.run([fc_list], capture_output=True, text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "ipagothic" in fonts.replace(" ", "").lower()


def missing() -> list[str]:
    """What the browser tests lack on this machine; empty when they can run."""
    lacking = []
    if not CHROMIUM.is_file():
        lacking.append(f"{CHROMIUM} not found")
    if not _has_ipa_gothic():
        lacking.append("IPA Gothic font (fonts-ipafont-gothic) not found by fc-list")
    if importlib.util.find_spec("playwright") is None:
        lacking.append("the playwright Python package is not installed")
    if not AXE_JS.is_file():
        lacking.append(f"{AXE_JS.relative_to(ROOT)} not found")
    return lacking


def skip_reason() -> str | None:
    """Why the browser tests are skipped, or None when they will run."""
    lacking = missing()
    return "; ".join(lacking) if lacking else None


def status_line() -> str:
    reason = skip_reason()
    if reason is None:
        return f"Browser tests will run ({CHROMIUM}, IPA Gothic, Playwright, axe-core)."
    return f"Browser tests will be SKIPPED: {reason} ({INSTALL_HINT})"


def main() -> int:
    print(status_line())
    return 0 if skip_reason() is None else 1


if __name__ == "__main__":
    raise SystemExit(main())
