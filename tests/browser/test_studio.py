"""The built studio, driven in Chromium as a producer drives it, served as CloudFront serves it.

The local stack serves `studio/dist` on its own origin with the distribution's `config.json`,
security headers and Content-Security-Policy, the API under `/api` (`local/studio_server.py`).
Each test signs in through the local Cognito (SRP, from the browser), finds the screens by their
roles and accessible names, checks each with axe-core (no serious or critical violation) and
saves its screenshot in `build/screenshots/` (`studio_app.py`).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from components import studio_site
from local.samples import generate_video
from local.stack import REGION, LocalStack
from local.transcripts import sample_transcript
from tests.browser.conftest import STUDIO_DIST
from tests.browser.studio_app import PHONE, Producer, StudioTab, open_tab, wait_for_video_to_advance

VIDEO_SECONDS = 30
PROCESSING_TIMEOUT_MS = 120_000
"""Upload, chunking and the clip agent of a 30 s track, locally: well under a minute."""
RENDER_TIMEOUT_MS = 120_000
SIGN_IN_PATH = re.compile(r"/sign-in$")
SESSION_END_TIMEOUT_MS = 20_000


@pytest.fixture(scope="module")
def studio_url(local_stack: LocalStack) -> str:
    if not local_stack.studio_url:
        pytest.fail(f"no built studio in {STUDIO_DIST}: `make studio` (`make browser` builds it)")
    return local_stack.studio_url


def new_producer(stack: LocalStack, tenant: str) -> Producer:
    email = f"{tenant}-{uuid.uuid4().hex[:6]}@example.com"
    return Producer(email, stack.create_user(email, tenant), tenant)


@pytest.fixture
def tabs(browser: Browser, studio_url: str) -> Iterator[list[StudioTab]]:
    """Every tab a test opens is closed after it, its console printed (shown when the test fails)."""
    opened: list[StudioTab] = []
    yield opened
    for tab in opened:
        tab.close()


@pytest.fixture
def tab(browser: Browser, studio_url: str, tabs: list[StudioTab]) -> StudioTab:
    opened = open_tab(browser, studio_url)
    tabs.append(opened)
    return opened


@pytest.fixture(scope="module")
def episode_media(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A 30 s track (a keyframe a second) and a transcript within its seconds, as files a producer picks."""
    folder = tmp_path_factory.mktemp("studio-media")
    video = generate_video(folder / "studio cam.mp4", VIDEO_SECONDS, width=320, height=240)
    transcript = folder / "studio-episode.srt"
    transcript.write_text(sample_transcript(minutes=(VIDEO_SECONDS - 4) / 60, seed=11))
    return video, transcript


def test_the_studio_is_served_as_its_distribution_serves_it(local_stack: LocalStack, studio_url: str) -> None:
    document = httpx.get(studio_url + "/episodes/any-deep-link")
    config = httpx.get(studio_url + "/config.json")

    assert document.status_code == 200 and '<div id="root">' in document.text
    expected = studio_site.security_headers(cognito_endpoint=local_stack.cognito_url, media_origin=local_stack.moto_url)
    assert {name: document.headers.get(name) for name in expected} == expected
    assert config.json() == studio_site.config_document(
        region=REGION,
        user_pool_id=local_stack.user_pool_id,
        user_pool_client_id=local_stack.user_pool_client_id,
        cognito_endpoint=local_stack.cognito_url,
    )
    assert local_stack.connection()["studioUrl"] == studio_url


def test_a_wrong_password_is_refused(local_stack: LocalStack, tab: StudioTab) -> None:
    producer = new_producer(local_stack, "studio-refused")
    page = tab.goto("/")
    expect(page).to_have_url(SIGN_IN_PATH)
    expect(page.get_by_role("heading", name="Sign in to NullCheck Studio")).to_be_visible()
    tab.screen("sign-in")

    tab.sign_in(producer, password=producer.password + "-wrong")

    expect(page.get_by_role("alert")).to_contain_text("Incorrect username or password")
    expect(page).to_have_url(SIGN_IN_PATH)
    tab.screen("sign-in-refused")
    assert tab.document is not None and "content-security-policy" in tab.document.headers
    assert not tab.csp_violations()


def test_a_producer_takes_an_episode_from_upload_to_a_downloaded_render(
    local_stack: LocalStack,
    browser: Browser,
    studio_url: str,
    tab: StudioTab,
    tabs: list[StudioTab],
    episode_media: tuple[Path, Path],
    tmp_path: Path,
) -> None:
    producer = new_producer(local_stack, "studio-journey")
    video, transcript = episode_media
    page = tab.goto("/")
    tab.sign_in(producer)

    expect(page.get_by_role("heading", name="Episodes", exact=True)).to_be_visible()
    expect(page.get_by_text("No episodes yet")).to_be_visible()
    tab.screen("episodes-empty")

    page.get_by_role("link", name="New episode").click()
    page.get_by_label("Title").fill("Studio pilot")
    page.get_by_label("Episode number").fill("1")
    tab.screen("episode-new")
    page.get_by_role("button", name="Create episode").click()
    expect(page.get_by_role("heading", name="Studio pilot", level=1)).to_be_visible()
    episode_url = page.url
    tab.screen("episode-empty")

    page.get_by_label("Video tracks").set_input_files(video)
    page.get_by_role("button", name="Upload tracks").click()
    page.get_by_role("region", name="Transcript").get_by_label("Transcript", exact=True).set_input_files(transcript)
    page.get_by_role("button", name="Upload transcript").click()
    uploaded = page.get_by_role("status").filter(has_text="Transcript uploaded: the clip agent will read it")
    expect(uploaded).to_be_visible()

    clips = page.get_by_role("list", name="Clips, best first")
    expect(clips).to_be_visible(timeout=PROCESSING_TIMEOUT_MS)
    expect(page.get_by_role("list", name="Tracks")).to_contain_text("Processed", timeout=PROCESSING_TIMEOUT_MS)
    tab.screen("episode-with-clips")

    clips.get_by_role("link").first.click()
    expect(page.get_by_label("Clip preview")).to_be_visible()
    assert wait_for_video_to_advance(page, "Clip preview") > 0
    review_url = page.url
    tab.screen("clip-review")

    trim = page.get_by_role("region", name="Trim")
    start, end = (float(trim.get_by_role("spinbutton", name=name).input_value()) for name in ("Start", "End"))
    trim.get_by_role("spinbutton", name="Start").fill(f"{start + 0.5:.1f}")
    trim.get_by_role("spinbutton", name="End").fill(f"{end - 0.5:.1f}")
    trim.get_by_role("button", name="Save trim").click()
    expect(revision(page)).to_have_text("1")
    expect(trim.get_by_role("spinbutton", name="Start")).to_have_value(re.compile(rf"^{start + 0.5:.1f}"))

    page.get_by_label("Caption line 1").fill("A caption line the producer fixed")
    page.get_by_role("button", name="Save captions").click()
    expect(revision(page)).to_have_text("2")
    expect(page.get_by_label("Caption line 1")).to_have_value("A caption line the producer fixed")

    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Status: approved")).to_be_visible()
    page.get_by_role("radio", name=re.compile("Vertical")).check()
    page.get_by_role("button", name="Render clip").click()
    # Rendered: the render's video and its download link (a presigned URL of the file) appear.
    download = page.get_by_role("link", name=re.compile("^Download render"))
    expect(download).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    expect(page.get_by_text(re.compile(r"^Rendered: 1080\u00d71920"))).to_be_visible()
    tab.screen("clip-rendered")

    with page.expect_download() as downloading:
        download.click()
    saved = tmp_path / downloading.value.suggested_filename
    downloading.value.save_as(saved)
    assert saved.suffix == ".mp4" and saved.stat().st_size > 0

    page.goto(studio_url + "/")
    expect(page.get_by_role("link", name="Studio pilot")).to_be_visible()
    tab.screen("episodes-populated")
    page.goto(episode_url)
    expect(page.get_by_role("list", name="Clips, best first")).to_be_visible()
    assert tab.document is not None and "content-security-policy" in tab.document.headers
    assert not tab.csp_violations(), tab.csp_violations()

    phone = open_tab(browser, studio_url, viewport=PHONE)
    tabs.append(phone)
    phone_page = phone.goto(review_url.removeprefix(studio_url))
    phone.sign_in(producer)
    expect(phone_page.get_by_label("Clip preview")).to_be_visible()
    expect(phone_page.get_by_role("button", name="Approve")).to_be_visible()
    assert fits_the_width(phone_page), "the review screen scrolls sideways at phone width"
    phone.screen("clip-review-phone")
    assert not phone.csp_violations(), phone.csp_violations()


def test_another_tenant_sees_none_of_the_first_tenants_episodes(
    local_stack: LocalStack, studio_url: str, tab: StudioTab
) -> None:
    owner = new_producer(local_stack, "studio-owner")
    token = local_stack.sign_in(owner.email, owner.password)["IdToken"]
    created = httpx.post(
        studio_url + "/api/episodes",
        json={"title": "Owner's private episode", "episodeNumber": 4},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert created.status_code == 201, created.text
    episode_id = created.json()["id"]
    other = new_producer(local_stack, "studio-other")

    page = tab.goto("/")
    tab.sign_in(other)

    expect(page.get_by_role("heading", name="Episodes", exact=True)).to_be_visible()
    expect(page.get_by_text("No episodes yet")).to_be_visible()
    expect(page.get_by_text("Owner's private episode")).to_have_count(0)
    page.goto(f"{studio_url}/episodes/{episode_id}")
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_text("Owner's private episode")).to_have_count(0)
    tab.screen("episode-of-another-tenant")


def test_an_expired_session_goes_back_to_sign_in(local_stack: LocalStack, tab: StudioTab) -> None:
    producer = new_producer(local_stack, "studio-expiry")
    page = tab.page
    page.clock.install()
    tab.goto("/")
    tab.sign_in(producer)
    expect(page.get_by_role("heading", name="Episodes", exact=True)).to_be_visible()

    # The ID token lasts an hour: two hours on it has expired, and with the refresh token revoked
    # (signed out everywhere) the studio cannot renew it.
    # (moto matches the pool's own user name, a UUID where users sign in with their email).
    cognito, pool = local_stack.cognito_client(), local_stack.user_pool_id
    username = cognito.admin_get_user(UserPoolId=pool, Username=producer.email)["Username"]
    cognito.admin_user_global_sign_out(UserPoolId=pool, Username=username)
    page.clock.fast_forward("02:00:00")
    page.get_by_role("link", name="New episode").click()
    page.get_by_label("Title").fill("Too late")
    page.get_by_label("Episode number").fill("9")
    page.get_by_role("button", name="Create episode").click()

    # amazon-cognito-identity-js tries a refused refresh six times over about 6 s before it gives up.
    expect(page).to_have_url(SIGN_IN_PATH, timeout=SESSION_END_TIMEOUT_MS)
    expect(page.get_by_role("heading", name="Sign in to NullCheck Studio")).to_be_visible()
    tab.screen("sign-in-session-expired")


def revision(page: Page) -> Locator:
    """The clip's revision as the review screen states it (a term and its definition)."""
    return page.locator("dt", has_text="Revision").locator("xpath=following-sibling::dd[1]")


def fits_the_width(page: Page) -> bool:
    sizes: dict[str, Any] = page.evaluate(
        "() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })"
    )
    return bool(sizes["scroll"] <= sizes["client"] + 1)
