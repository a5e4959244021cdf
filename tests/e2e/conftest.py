"""Browser-test fixtures: the real app on a live port, one Chromium per session, axe-core.

Skipped, with the reason, when Chromium, the IPA font, Playwright or axe-core is missing
(see tests/e2e/requirements.py). Pages run under the site's real Content-Security-Policy:
axe is evaluated through the DevTools protocol, which CSP does not restrict, so the test
also proves the site's own scripts work under that policy.
"""

import json
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from comment_portal.extensions import db
from tests.conftest import make_app, reset_database
from tests.e2e.requirements import AXE_JS, CHROMIUM, INSTALL_HINT, ROOT, skip_reason

SCREENSHOT_DIR = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
PC = {"viewport": {"width": 1280, "height": 900}}
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole session."""
    reason = skip_reason()
    if reason:
        pytest.skip(f"Browser tests skipped: {reason} ({INSTALL_HINT})")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def live_app(tmp_path_factory, browser):
    """The real app on a SQLite file, served by werkzeug in a thread on a free local port."""
    tmp = tmp_path_factory.mktemp("e2e")
    app = make_app(tmp, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'portal.db'}", RATELIMIT_ENABLED=False)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    app.config["E2E_BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    try:
        yield app
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def live_server(live_app, model_dir):
    """A fresh database behind the running server: default consultation, open period, a model."""
    with live_app.app_context():
        reset_database(model_dir)
        db.session.remove()
    return live_app


@pytest.fixture
def base_url(live_server) -> str:
    return live_server.config["E2E_BASE_URL"]


class PageProblems(list):
    """Console errors, uncaught exceptions and failed requests seen while a page was open."""

    def watch(self, page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.append(f"page error: {exc}"))
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)

    def _request_failed(self, request) -> None:
        # ERR_ABORTED: the page navigated on (a keyboard shortcut submits at once) before
        # the browser finished loading a subresource; nothing went wrong on the server.
        if "ERR_ABORTED" not in (request.failure or ""):
            self.append(f"request failed: {request.url} {request.failure}")

    def _console(self, message) -> None:
        # Error statuses are judged in _response: a 422 form page is expected.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.append(f"console: {message.text}")

    def _response(self, response) -> None:
        request = response.request
        if response.status >= 400 and not request.is_navigation_request() and not request.url.endswith("/favicon.ico"):
            self.append(f"{response.status} for {request.url}")


def _open_page(browser, options: dict):
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems = PageProblems()
    problems.watch(page)
    return context, page, problems


@pytest.fixture
def phone(browser, base_url):
    """A phone-sized page (390×844, touch); fails the test if the page logged errors."""
    context, page, problems = _open_page(browser, PHONE)
    yield page
    context.close()
    assert not problems, problems


@pytest.fixture
def pc(browser, base_url):
    context, page, problems = _open_page(browser, PC)
    yield page
    context.close()
    assert not problems, problems


def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """Run axe-core's WCAG 2.1 A/AA rules on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    return page.evaluate("async (options) => (await axe.run(document, options)).violations", WCAG_21_AA)


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {json.dumps(node['target'], ensure_ascii=False)}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n       ")
            lines.append(f"       {summary}")
    return "\n".join(lines)


@pytest.fixture
def assert_accessible():
    def check(page) -> None:
        violations = axe_violations(page)
        assert not violations, f"axe found WCAG 2.1 AA violations on {page.url}:\n{format_violations(violations)}"

    return check


@pytest.fixture
def screenshot(request):
    """Saves full-page screenshots as test artifacts: <test>-<nn>-<step>.png."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    stem = request.node.name.replace("[", "-").replace("]", "").replace("test_", "", 1)
    counter = iter(range(1, 100))

    def take(page, step: str) -> Path:
        path = SCREENSHOT_DIR / f"{stem}-{next(counter):02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def pytest_collection_modifyitems(items):
    """Every test in tests/e2e is a browser test (so the PostgreSQL pass can leave them out)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
