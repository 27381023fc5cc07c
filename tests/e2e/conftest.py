"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

Playwright's sync API keeps an asyncio event loop running in the test thread, so Django refuses
ORM calls from it (SynchronousOnlyOperation) unless told otherwise. That is said here, when pytest
imports this conftest, before any test touches the database. (The variable is process-wide; the
settings modules never set it, so the app itself keeps Django's check.)
"""

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import re  # noqa: E402
import shutil  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]
# scripts/test names the artifact folder (VZHG_TEST_ARTIFACTS) and prints where it is.
ARTIFACTS = Path(os.environ.get("VZHG_TEST_ARTIFACTS") or REPO_ROOT / "var" / "test-artifacts")
SCREENSHOT_DIR = ARTIFACTS / "screenshots"
AXE_SCRIPT = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP_VIEWPORT = {"width": 1280, "height": 800}
# Actions and expect() wait up to 10 s: ample on a loaded CI machine, short enough to fail fast.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)

# Chromium reports a blocked script, style, image or form target as a console error naming the
# Content Security Policy ("Executing inline script violates the following Content Security
# Policy directive ..."; older versions start "Refused to ...").
CSP_MARKERS = ("Content Security Policy", "Refused to")

# Every page also reports violations itself, with the directive and what was blocked. The listener
# is added through the DevTools protocol, which the page's policy does not govern.
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (event) => {
  const source = `${event.sourceFile || event.documentURI}:${event.lineNumber}`;
  console.error(`Content Security Policy violation: ${event.violatedDirective} blocked ` +
                `${event.blockedURI || 'inline'} at ${source}`);
});
"""


def _safe_name(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("_")


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """allauth counts attempts per IP in the cache; every browser here is 127.0.0.1, so each
    test starts with the counts of earlier tests forgotten (the limits themselves stay on)."""
    cache.clear()


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One Chromium for all browser tests. Package scope, not session: while Playwright is open
    the test thread has a running asyncio loop, and the tests after this package should not."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (the test command does this)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageWatch:
    """What a page said on its console while a test ran."""

    def __init__(self) -> None:
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            location = message.location or {}
            self.console_errors.append(f"{message.text} [{location.get('url', '')}]")

    def on_page_error(self, error: Exception) -> None:
        self.page_errors.append(str(error))

    @property
    def csp_violations(self) -> list[str]:
        return [text for text in self.console_errors if any(marker in text for marker in CSP_MARKERS)]


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page in a fresh Dutch context with the site's Content Security Policy enforced.

    On teardown: a full-page screenshot (screenshots/<test name>.png), then the test fails if the
    browser refused anything under the CSP or a script threw an uncaught error.
    """
    context = browser.new_context(locale="nl-NL", timezone_id="Europe/Amsterdam", viewport=DESKTOP_VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    watch = PageWatch()
    page.on("console", watch.on_console)
    page.on("pageerror", watch.on_page_error)
    try:
        yield page
    finally:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        try:
            if page.url != "about:blank":
                page.screenshot(path=SCREENSHOT_DIR / f"{_safe_name(request.node.name)}.png", full_page=True)
        finally:
            context.close()
    problems = [f"CSP: {text}" for text in watch.csp_violations]
    problems += [f"uncaught JavaScript error: {text}" for text in watch.page_errors]
    if problems:
        pytest.fail("The page broke in the browser:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def screenshot(page: Page, request: pytest.FixtureRequest) -> Callable[[str], Path]:
    """shot("label") saves a numbered full-page screenshot under screenshots/<test name>/."""
    folder = SCREENSHOT_DIR / _safe_name(request.node.name)
    shutil.rmtree(folder, ignore_errors=True)  # no stale steps from an earlier run
    counter = iter(range(1, 1000))

    def shot(label: str) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{next(counter):02d}-{_safe_name(label)}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return shot


@pytest.fixture
def log_in(page: Page, live_server) -> Callable:
    """log_in(user) gives the browser a session for the user (as if they had logged in)."""

    def _log_in(user) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )

    return _log_in


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core (from node_modules, installed from the npm registry) on the page as it is."""
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `npm ci` (the test command does this)")
    # Evaluated through the DevTools protocol, which the page's Content Security Policy does not
    # govern, so the page keeps its real policy while axe looks at it. (A <script> tag added by
    # page.add_script_tag is inline script, which script-src 'self' rightly refuses.)
    page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async (tags) => await axe.run(document, {
               runOnly: {type: 'tag', values: tags},
               resultTypes: ['violations'],
           })""",
        AXE_TAGS,
    )
    return result["violations"]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']}  {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {node['target']}: {summary[:300]}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """No WCAG 2.1 A/AA violation that axe-core can find on the page as it is now."""
    violations = axe_violations(page)
    if violations:
        pytest.fail(
            f"axe-core: WCAG 2.1 A/AA violations on {page.url}:\n{format_violations(violations)}",
            pytrace=False,
        )
