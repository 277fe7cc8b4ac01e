"""A real headless Chromium (the system's, driven by Playwright) against one local stack.

Two kinds of page, one stack (handlers read their environment at import, so this suite runs in its
own pytest process, `make browser`, like tests/e2e):

- The built studio (`studio/dist`, `make studio`), served by the stack as CloudFront serves it
  (`local/studio_server.py`: its `config.json`, security headers and CSP, the API under `/api`),
  driven as a producer drives it (`test_studio.py`): it signs in through the local Cognito.
- The raw-client page (`raw_client_page/`), served from another origin (the stack's API answers
  that origin's CORS), so every API call, presigned S3 PUT and form POST is a cross-origin request
  the browser checks: CORS on answers and errors, preflights, the bucket's exposed `ETag`. It is
  signed in: the suite creates a user of the tenant `browser` and hands its ID token to the page
  (`window.NULLCHECK_TOKEN`) before any of the page's scripts run.

Playwright never downloads a browser here: it launches the system Chromium (`CHROMIUM=path`, or
`chromium`, `chromium-browser`, `google-chrome` on PATH). Without one, the suite is skipped
loudly; with `CI=true` a missing Chromium is a failure instead.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from local.stack import LocalStack, LocalStackConfig
from tests.browser.static_site import StaticSite

CHUNK_SECONDS = 2
HERE = Path(__file__).resolve().parent
HLS_JS = HERE.parents[1] / "studio" / "node_modules" / "hls.js" / "dist" / "hls.min.js"
"""The player the studio pins (studio/package-lock.json), installed by `npm ci` (`make browser` runs it)."""
STUDIO_DIST = Path(os.environ.get("STUDIO_DIST") or HERE.parents[1] / "studio" / "dist")
"""The built studio (`make studio`; `make browser` builds it when its sources changed); `STUDIO_DIST` names another."""
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
HOW_TO_ENABLE = "install it (`apt-get install chromium`) or point CHROMIUM at a Chromium/Chrome binary"
_SKIPPED = pytest.StashKey[int]()


def find_chromium() -> str | None:
    """`CHROMIUM` if set (a path or a command name), else the first of CHROMIUM_NAMES on PATH."""
    override = os.environ.get("CHROMIUM")
    if override:
        found = shutil.which(override)
        if found is None:
            raise pytest.UsageError(f"CHROMIUM={override!r} is not an executable file or a command on PATH")
        return found
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _ours(item: pytest.Item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if find_chromium() or _in_ci():
        return
    skip = pytest.mark.skip(reason=f"no Chromium found: {HOW_TO_ENABLE}")
    skipped = [item for item in items if _ours(item)]
    for item in skipped:
        item.add_marker(skip)
    config.stash[_SKIPPED] = len(skipped)


def pytest_unconfigure(config: pytest.Config) -> None:
    """The notice comes last, after pytest's own summary, so `make test` ends with it."""
    skipped = config.stash.get(_SKIPPED, 0)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if not skipped or reporter is None:
        return
    write = reporter.write_line
    reporter.write_sep("!", "BROWSER SUITE SKIPPED", yellow=True, bold=True)
    write(f"tests/browser: {skipped} test(s) did NOT run because no Chromium was found", yellow=True, bold=True)
    write(f"(looked for $CHROMIUM, then {', '.join(CHROMIUM_NAMES)} on PATH).", yellow=True)
    write(f"To run them, {HOW_TO_ENABLE}.", yellow=True)
    reporter.write_sep("!", yellow=True, bold=True)


@pytest.fixture(scope="session")
def chromium() -> str:
    path = find_chromium()
    if path is None:
        pytest.fail(f"CI=true but no Chromium found: {HOW_TO_ENABLE}")
    return path


@pytest.fixture(scope="session")
def site() -> Iterator[StaticSite]:
    running = StaticSite().start()
    running.add_directory(HERE / "raw_client_page")
    if not HLS_JS.is_file():
        pytest.fail("hls.js is not installed: `make studio-deps` (npm ci in studio/, with the venv's Node)")
    running.add("/vendor/hls.min.js", HLS_JS.read_bytes(), "text/javascript; charset=utf-8")
    yield running
    running.stop()


@pytest.fixture(scope="session")
def local_stack(site: StaticSite) -> Iterator[LocalStack]:
    # The API answers for the raw-client page's origin only: a wrong Access-Control-Allow-Origin fails
    # its fetch. The studio calls the API on its own origin (`/api`), where CORS plays no part.
    config = LocalStackConfig(api_port=0, origin=site.origin, chunk_seconds=CHUNK_SECONDS, studio_dir=STUDIO_DIST)
    with LocalStack(config) as running:
        yield running


@pytest.fixture(scope="session")
def token(local_stack: LocalStack) -> str:
    """The ID token of a user of the tenant `browser` (an hour, longer than the suite)."""
    password = local_stack.create_user("browser@example.com", "browser")
    return str(local_stack.sign_in("browser@example.com", password)["IdToken"])


@pytest.fixture(scope="session")
def browser(chromium: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, headless=True, args=["--disable-dev-shm-usage"])
        yield launched
        launched.close()


@pytest.fixture
def raw_page(browser: Browser, site: StaticSite, local_stack: LocalStack, token: str) -> Iterator[Page]:
    """The raw-client page from the site's origin, signed in and pointed at the API; console kept for failures."""
    context = browser.new_context()
    context.add_init_script(f"window.NULLCHECK_TOKEN = {json.dumps(token)};")
    opened = context.new_page()
    console: list[str] = []
    opened.on("console", lambda message: console.append(_console_line(message)))
    opened.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    opened.goto(f"{site.origin}/index.html?api={quote(local_stack.api_url, safe='')}")
    opened.wait_for_function("window.rawClient !== undefined")
    yield opened
    if console:
        print("browser console:\n" + "\n".join(console))
    print("raw-client page log:\n" + opened.inner_text("#log"))
    context.close()


def _console_line(message: ConsoleMessage) -> str:
    return f"console.{message.type}: {message.text}"
