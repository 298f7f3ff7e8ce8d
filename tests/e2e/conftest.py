"""Headless Chromium through Playwright, against Django's live server.

Chromium missing is a skip on a developer's machine and a failure in CI, where
`.ci/run` installs Debian's package.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import IN_CI

CHROMIUM = os.environ.get("TRYGG_CHROMIUM", "/usr/bin/chromium")
# A transparent 1×1 PNG: map tiles come from outside the machine, so they are mocked.
BLANK_TILE = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
SERIOUS = {"serious", "critical"}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls
    # made by the test itself are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def open_page(browser, live_server, *, console_errors=True, **options):
    """A new browser context's page in Swedish: tiles stubbed, JS errors collected.

    ``console_errors=False`` leaves out failed loads the test itself provokes (offline).
    """
    context = browser.new_context(
        locale="sv-SE", **{"viewport": {"width": 1280, "height": 900}, **options}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()

    def outside(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        elif route.request.resource_type == "image":
            route.fulfill(status=200, content_type="image/png", body=BLANK_TILE)
        else:
            route.abort()

    page.route("**/*", outside)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    if console_errors:
        page.on(
            "console",
            lambda message: errors.append(message.text) if message.type == "error" else None,
        )
    page.js_errors = errors
    return page


@pytest.fixture
def page(browser, live_server):
    page = open_page(browser, live_server)
    yield page
    page.context.close()


def assert_accessible(page) -> None:
    """Fail on serious or critical axe-core violations of WCAG 2.1 A/AA."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    serious = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
    details = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(node["target"][0] for node in v["nodes"][:3])
        for v in serious
    ]
    assert not serious, f"axe-core on {page.url}:\n" + "\n".join(details)
    assert not page.js_errors, f"JavaScript errors on {page.url}: {page.js_errors}"
