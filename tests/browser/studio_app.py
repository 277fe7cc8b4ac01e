"""The built studio in a browser tab, as a producer uses it: signing in, screens checked and photographed.

Every tab is a context of its own (its own storage: one signed-in user), with the CSP watched two
ways: the console (Chromium logs each refused load or script as `Refused to …  Content Security
Policy`) and the page's `securitypolicyviolation` events, recorded by a script the browser runs
before the app's (Playwright injects it through the DevTools protocol, which the CSP does not
govern, as it does `page.evaluate`).

`screen(name)` checks the screen with axe-core and saves `build/screenshots/{name}.png`. axe-core
(pinned by tests/browser/package-lock.json) is evaluated into the page with `page.evaluate` of its
source: no `<script>` element, which the studio's `script-src 'self'` would refuse, and no
`bypass_csp`, so the checked page runs under the very policy producers get.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Response, expect

HERE = Path(__file__).resolve().parent
SCREENSHOTS = HERE.parents[1] / "build" / "screenshots"
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} refused ${event.blockedURI || "inline"}`);
});
"""


@dataclass(frozen=True)
class Producer:
    """A user of the local pool: what they type at sign-in, and their tenant."""

    email: str
    password: str
    tenant: str


@dataclass
class StudioTab:
    """One context and page on the studio; `problems()` says what the browser refused or logged as an error."""

    context: BrowserContext
    page: Page
    base_url: str
    console: list[str] = field(default_factory=list)
    document: Response | None = None
    """The answer to the last navigation (the studio's `index.html`, with the site's headers)."""

    def goto(self, path: str = "/") -> Page:
        self.document = self.page.goto(self.base_url + path)
        return self.page

    def sign_in(self, producer: Producer, *, password: str | None = None) -> None:
        """Type the email and password into the sign-in form and send it (from any screen that shows it)."""
        page = self.page
        page.get_by_label("Email").fill(producer.email)
        page.get_by_label("Password", exact=True).fill(password or producer.password)
        page.get_by_role("button", name="Sign in").click()

    def screen(self, name: str, *, full_page: bool = True) -> None:
        """axe-core finds no serious or critical violation on the screen as it is; then its screenshot."""
        violations = axe_violations(self.page)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=full_page)
        assert not violations, f"axe-core on the {name} screen:\n{describe(violations)}"

    def csp_violations(self) -> list[str]:
        recorded = self.page.evaluate("window.__cspViolations || []")
        logged = [line for line in self.console if "Content Security Policy" in line]
        return [*recorded, *logged]

    def close(self) -> None:
        if self.console:
            print(f"browser console ({self.base_url}):\n" + "\n".join(self.console))
        self.context.close()


def open_tab(browser: Browser, base_url: str, *, viewport: dict[str, int] | None = None) -> StudioTab:
    """A new context (no session) with a page, its console and CSP violations recorded."""
    context = browser.new_context(viewport=viewport or DESKTOP, accept_downloads=True)  # type: ignore[arg-type]
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    tab = StudioTab(context, page, base_url)
    page.on("console", lambda message: tab.console.append(_console_line(message)))
    page.on("pageerror", lambda error: tab.console.append(f"pageerror: {error}"))
    return tab


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations of the page whose impact is serious or critical (WCAG 2.x A and AA, best practices)."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_JS.read_text())
    violations: list[dict[str, Any]] = page.evaluate(
        """async () => {
            const result = await window.axe.run(document, { resultTypes: ["violations"] });
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => ({ target: n.target, summary: n.failureSummary })),
            }));
        }"""
    )
    return [violation for violation in violations if violation["impact"] in BLOCKING_IMPACTS]


def describe(violations: list[dict[str, Any]]) -> str:
    return json.dumps(violations, indent=1)


def wait_for_video_to_advance(page: Page, name: str, timeout_ms: float = 30_000) -> float:
    """Play the `<video>` named `name` (muted: headless Chromium allows autoplay then) until its time advances."""
    video = page.get_by_label(name)
    expect(video).to_be_visible()
    handle = video.element_handle()
    page.wait_for_function("video => video.readyState >= 1", arg=handle, timeout=timeout_ms)
    started: float = page.evaluate("video => video.currentTime", handle)
    page.evaluate("video => { video.muted = true; return video.play(); }", handle)
    page.wait_for_function(
        "([video, from]) => video.currentTime > from + 0.5", arg=[handle, started], timeout=timeout_ms
    )
    now: float = page.evaluate("video => { video.pause(); return video.currentTime; }", handle)
    return now - started


def _console_line(message: ConsoleMessage) -> str:
    return f"console.{message.type}: {message.text}"
