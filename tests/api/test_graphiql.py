"""GraphiQL in a real browser with no network, and the files and headers that make it work.

The browser test starts the real server (uvicorn in a child process, on a loopback socket the test
binds), drives Debian's chromium through playwright with every request to another host aborted,
and uses the page as a person would: headers, a query, its result, the documentation explorer.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import Account
from tests.factories.live_server import live_server
from web import graphiql

CHROMIUM = os.environ.get("LEADBOX_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Name resolution fails for every host but the server's: the page has no network to fall back on.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


@pytest.fixture
def chromium() -> str:
    """The browser's path. Skip on a developer machine without it; in CI (which installs it) fail."""
    missing = not Path(CHROMIUM).exists()
    try:
        # Imported here: without playwright this test skips (or, in CI, fails) with the reason
        # below, instead of the whole module failing to import.
        import playwright.async_api  # noqa: F401
    except ImportError:
        missing = True
    if missing:
        reason = f"needs Debian's chromium at {CHROMIUM} and playwright: apt-get install -y chromium (.ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture
def server(database: str, tmp_path: Path) -> Iterator[str]:
    """The real application served by uvicorn in a child process; yields its base URL."""
    if not database.startswith("sqlite"):
        pytest.skip("the page is the same on both databases; it is tested once, on SQLite")
    with live_server(database, tmp_path) as base:
        yield base


@pytest.fixture
async def browser_page(chromium: str, server: str) -> AsyncIterator[tuple[Any, list[str], list[str]]]:
    """A chromium page that may reach the server only, with lists of what it tried elsewhere and
    of what went wrong on the page (script errors, Content-Security-Policy violations)."""
    # Imported here: playwright may be missing on a developer's machine, where the chromium
    # fixture skips this test; at the top it would fail the whole module's collection.
    from playwright.async_api import async_playwright

    elsewhere: list[str] = []
    problems: list[str] = []
    async with async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        try:
            context = await browser.new_context(viewport={"width": 1400, "height": 900})

            async def only_the_server(route: Any) -> None:
                if urlsplit(route.request.url).netloc == urlsplit(server).netloc:
                    await route.continue_()
                else:
                    elsewhere.append(route.request.url)
                    await route.abort("internetdisconnected")

            await context.route("**/*", only_the_server)
            page = await context.new_page()
            # Violations of the page's Content-Security-Policy show up as console errors.
            await page.add_init_script(
                "document.addEventListener('securitypolicyviolation', (e) =>"
                " console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI))"
            )

            def on_console(message: Any) -> None:
                if message.type == "error":
                    problems.append(f"console error: {message.text}")

            page.on("console", on_console)
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            yield page, elsewhere, problems
        finally:
            await browser.close()


async def set_editor(page: Any, editor: Any, text: str) -> None:
    """Replace a GraphiQL editor's text the way a person pastes it."""
    await editor.click()
    await page.keyboard.press("Control+A")
    await page.keyboard.insert_text(text)


async def test_graphiql_runs_a_query_and_shows_the_docs_with_no_network(
    browser_page: tuple[Any, list[str], list[str]], server: str, account: Account, tmp_path: Path
) -> None:
    page, elsewhere, problems = browser_page
    await page.goto(f"{server}/graphql", wait_until="load")
    assert elsewhere == [], f"the page loads files from other hosts: {elsewhere}"
    await page.locator(".graphiql-query-editor .CodeMirror").wait_for()

    await page.get_by_role("button", name="Headers", exact=True).click()
    headers = json.dumps({"Authorization": f"Bearer {account.token}"})
    await set_editor(page, page.locator(".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"), headers)
    await set_editor(page, page.locator(".graphiql-query-editor .CodeMirror"), "{ viewer { name } }")
    await page.locator(".graphiql-execute-button").click()
    result = page.locator(".result-window")
    await result.get_by_text('"Anna Admin"').wait_for()
    assert '"viewer"' in await result.inner_text()

    await page.get_by_role("button", name="Show Documentation Explorer").click()
    docs = page.locator(".graphiql-doc-explorer")
    await docs.get_by_role("link", name="Query", exact=True).click()
    await docs.locator(".graphiql-doc-explorer-title", has_text="Query").wait_for()
    await docs.get_by_role("link", name="viewer", exact=True).wait_for()

    screenshot = tmp_path / "graphiql.png"
    await page.screenshot(path=str(screenshot))
    print(f"GraphiQL screenshot: {screenshot}")

    # The query explorer plugin, and a dialog (which adds a <style> element the policy must allow).
    await page.get_by_role("button", name="Show GraphiQL Explorer").click()
    await page.locator(".graphiql-explorer-root").get_by_text("viewer", exact=True).wait_for()
    await page.get_by_role("button", name="Open settings dialog").click()
    await page.get_by_role("dialog").get_by_text("Persist headers").wait_for()
    await page.keyboard.press("Escape")

    assert elsewhere == [], f"the page tried to reach other hosts: {elsewhere}"
    assert problems == [], problems


async def test_the_page_loads_only_same_origin_files_under_a_strict_policy(account: Account) -> None:
    response = await account.client.http.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "connect-src 'self'" in policy and "default-src 'none'" in policy
    assert response.headers["cache-control"] == "no-cache"
    page = response.text
    assert "<script>" not in page and "<style" not in page  # nothing inline
    urls = [part.split('"', 1)[0] for part in page.split('src="')[1:] + page.split('href="')[1:]]
    assert {url.rsplit("/", 1)[1] for url in urls} >= {
        "react.production.min.js",
        "react-dom.production.min.js",
        "graphiql.min.js",
        "graphiql.min.css",
        "graphiql-plugin-explorer.umd.js",
        "leadbox-graphiql.js",
    }
    for url in urls:
        assert url.startswith(graphiql.static_path() + "/")
        asset = await account.client.http.get(url, headers={"Accept-Encoding": "gzip"})
        assert asset.status_code == 200, url
        assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"


async def test_assets_under_another_version_are_not_found(account: Account) -> None:
    current = await account.client.http.get(f"{graphiql.static_path()}/leadbox-graphiql.js")
    assert current.status_code == 200 and "createRoot" in current.text
    stale = await account.client.http.get(f"{graphiql.STATIC_PREFIX}/0000000000000000/leadbox-graphiql.js")
    assert stale.status_code == 404


async def test_the_big_bundle_is_sent_compressed(account: Account) -> None:
    url = f"{graphiql.static_path()}/vendor/graphiql.min.js"
    response = await account.client.http.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.content == (graphiql.STATIC / "vendor" / "graphiql.min.js").read_bytes()


def test_the_vendored_files_match_their_manifest_and_have_licences() -> None:
    vendor = graphiql.STATIC / "vendor"
    manifest = json.loads((vendor / "manifest.json").read_text())
    listed = {"manifest.json"}
    for entry in manifest["packages"]:
        assert (vendor / entry["licence"]).is_file(), entry["package"]
        for name, digest in entry["files"].items():
            assert hashlib.sha256((vendor / name).read_bytes()).hexdigest() == digest, name
            listed.add(name)
    assert {path.name for path in vendor.iterdir()} == listed
    assert {entry["package"] for entry in manifest["packages"]} >= {
        "react",
        "react-dom",
        "graphiql",
        "@graphiql/plugin-explorer",
    }
