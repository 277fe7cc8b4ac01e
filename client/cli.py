"""The `nullcheck` command line: sign-in, episodes, uploads, clips, a live processing watch, failed
events and (for operators) users.

Every command talks to the API through `NullCheckClient`; `client_factory` builds it, so tests
swap in a client on an `httpx.MockTransport`. Each API call carries the signed-in user's ID token
(`nullcheck login`, cached and refreshed by `client.auth`, or `NULLCHECK_TOKEN`). The API and user
pool come from the options, else from the running local stack (`client.settings`). API refusals,
unreachable servers, failed sign-ins and failed uploads are reported as one red line and exit
status 1, never as a traceback.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import boto3
import httpx
import typer
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError
from rich.console import Console, Group
from rich.live import Live
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn
from rich.table import Table
from rich.text import Text

from client import auth, dlq
from client.api import ApiError, Clip, EpisodeDetail, NullCheckClient
from client.settings import Settings, resolve
from client.uploads import DEFAULT_CONCURRENCY, DEFAULT_PART_SIZE, MIB, MIN_PART_SIZE, UploadError
from client.uploads import upload_track as send_track
from client.uploads import upload_transcript as send_transcript
from handlers.contract import TENANT_CLAIM, is_valid_tenant, new_password

PROCESSED = "Processed"
FAILED = "ProcessingFailed"
INVALID = "Invalid"
TRANSCRIPT_OUTCOMES = ("ClipsProposed", INVALID)
DEFAULT_PART_MIB = DEFAULT_PART_SIZE // MIB
MIN_PART_MIB = MIN_PART_SIZE // MIB

client_factory: Callable[[str], NullCheckClient] = NullCheckClient
"""Builds the API client from the `--api` URL; tests replace it to inject a transport."""

console = Console()
errors = Console(stderr=True)

app = typer.Typer(help="NullCheck: episodes, track and transcript uploads, proposed clips.", no_args_is_help=True)
episodes_app = typer.Typer(help="Create, list and inspect episodes.", no_args_is_help=True)
app.add_typer(episodes_app, name="episodes")


@dataclass
class Options:
    """The global options; the settings they lead to are resolved when a command needs them."""

    api: str | None
    user_pool_id: str | None
    client_id: str | None
    region: str | None

    @property
    def settings(self) -> Settings:
        return resolve(self.api, user_pool_id=self.user_pool_id, client_id=self.client_id, region=self.region)


@app.callback()
def main(
    ctx: typer.Context,
    api: Annotated[
        str | None,
        typer.Option("--api", envvar="NULLCHECK_API", help="Base URL of the API (default: the running local stack's)."),
    ] = None,
    user_pool_id: Annotated[
        str | None, typer.Option("--user-pool-id", envvar="NULLCHECK_USER_POOL_ID", help="Cognito user pool id.")
    ] = None,
    client_id: Annotated[
        str | None, typer.Option("--client-id", envvar="NULLCHECK_CLIENT_ID", help="Cognito app client id.")
    ] = None,
    region: Annotated[str | None, typer.Option("--region", envvar="AWS_REGION", help="The stack's region.")] = None,
) -> None:
    """Remember where the API and its user pool are for the command that follows."""
    ctx.obj = Options(api, user_pool_id, client_id, region)


@contextmanager
def api_session(ctx: typer.Context) -> Iterator[NullCheckClient]:
    """A signed-in client of the command's API; any API, sign-in, network or upload failure exits with 1."""
    api_url = ctx.obj.settings.api_url
    try:
        signed_in = auth.session_for(api_url)
        with client_factory(api_url) as client:
            client.authorize(signed_in.header)
            yield client
    except auth.SignInError as error:
        fail(str(error))
    except ApiError as error:
        hint = ": sign in again with `nullcheck login`" if error.status == 401 else ""
        fail(f"{error.message} (HTTP {error.status}){hint}")
    except UploadError as error:
        fail(f"upload failed: {error}")
    except httpx.RequestError as error:
        url = error.request.url
        fail(f"cannot reach {url.scheme}://{url.netloc.decode()}: {error}")


@contextmanager
def cognito_errors(what: str) -> Iterator[None]:
    """Cognito's refusals and unreachable endpoints as one red line."""
    try:
        yield
    except ClientError as error:
        fail(f"{what} refused: {error.response.get('Error', {}).get('Message') or error}")
    except NoRegionError:
        fail("no region: pass --region or set AWS_REGION")
    except NoCredentialsError:
        fail("no AWS credentials: operators sign Cognito's admin calls with their own (aws configure)")
    except BotoCoreError as error:
        fail(f"{what} failed: {error}")


def fail(message: str) -> NoReturn:
    """Print the message in red on stderr and exit with status 1."""
    errors.print(message, style="red", markup=False, highlight=False)
    raise typer.Exit(1)


@episodes_app.command("create")
def create_episode(
    ctx: typer.Context,
    title: Annotated[str, typer.Option(help="Episode title.")],
    number: Annotated[int, typer.Option(help="Episode number.")],
    summary: Annotated[str | None, typer.Option(help="Short summary.")] = None,
    air_date: Annotated[str | None, typer.Option(help="ISO-8601 date or date-time.")] = None,
    platform: Annotated[
        list[str] | None, typer.Option(help="linkedin live, X, twitch or youtube; repeat for several.")
    ] = None,
    theme: Annotated[list[str] | None, typer.Option(help="A theme; repeat for several.")] = None,
    series: Annotated[str | None, typer.Option(help="Series the episode belongs to.")] = None,
) -> None:
    """Create an episode and print its id (alone, so scripts can capture it)."""
    with api_session(ctx) as client:
        episode_id = client.create_episode(
            title,
            number,
            summary=summary,
            air_date=air_date,
            platforms=platform or (),
            themes=theme or (),
            series_name=series,
        )
    console.print(episode_id, markup=False, highlight=False)


@episodes_app.command("list")
def list_episodes(
    ctx: typer.Context,
    limit: Annotated[int | None, typer.Option(help="Episodes per page (1 to 20, the API's default is 20).")] = None,
    all_pages: Annotated[bool, typer.Option("--all", help="Follow nextToken through every page.")] = False,
) -> None:
    """List episodes, newest first: one page, or every page with --all."""
    with api_session(ctx) as client:
        if all_pages:
            items, more = list(client.iter_episodes(limit=limit)), False
        else:
            page = client.list_episodes(limit=limit)
            items, more = page["items"], bool(page.get("nextToken"))
    table = Table("id", "title", "status", "air date", "platforms", title=f"Episodes ({len(items)})")
    for item in items:
        platforms = ", ".join(item.get("platforms", []))
        table.add_row(*map(Text, (item["id"], item["title"], item["status"], item.get("airDate", ""), platforms)))
    console.print(table)
    if more:
        console.print("More episodes exist: use --all to list them all.", style="dim")


@episodes_app.command("show")
def show_episode(
    ctx: typer.Context, episode_id: Annotated[str, typer.Argument(metavar="EPISODE", help="Episode id.")]
) -> None:
    """Show an episode: its fields, tracks, transcript state and clip count."""
    with api_session(ctx) as client:
        episode = client.get_episode(episode_id)
    console.print(episode_fields(episode))
    console.print(tracks_table(episode))


@app.command("upload-track")
def upload_track(
    ctx: typer.Context,
    episode_id: Annotated[str, typer.Argument(metavar="EPISODE", help="Episode id.")],
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, metavar="FILE", help="Video file.")
    ],
    track: Annotated[str, typer.Option(help="Track name, e.g. main-camera.")],
    part_size: Annotated[int, typer.Option(min=MIN_PART_MIB, help="Part size in MiB.")] = DEFAULT_PART_MIB,
    concurrency: Annotated[int, typer.Option(min=1, help="Parts sent at once.")] = DEFAULT_CONCURRENCY,
) -> None:
    """Upload a video track as a multipart upload, with a progress bar."""
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(binary_units=True), TransferSpeedColumn())
    with api_session(ctx) as client, Progress(*columns, TimeRemainingColumn(), console=console) as progress:
        task = progress.add_task(f"{file.name} → {track}", total=file.stat().st_size)
        done = send_track(
            client,
            episode_id,
            file,
            track,
            part_size=part_size * MIB,
            concurrency=concurrency,
            progress=lambda sent: progress.advance(task, sent),
        )
    console.print(f"Uploaded track {done['trackName']} to {done['key']}; processing starts now.", markup=False)


@app.command("upload-transcript")
def upload_transcript(
    ctx: typer.Context,
    episode_id: Annotated[str, typer.Argument(metavar="EPISODE", help="Episode id.")],
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, metavar="FILE", help="SRT transcript.")
    ],
) -> None:
    """Upload the episode's SRT transcript; clip detection starts once S3 reports it."""
    with api_session(ctx) as client:
        key = send_transcript(client, episode_id, file)
    console.print(f"Uploaded transcript to {key}.", markup=False)


class Outcome(Enum):
    """Where an episode's processing stands, as far as `watch` is concerned."""

    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


def watch_outcome(episode: EpisodeDetail, *, transcript: bool) -> Outcome:
    """PENDING until the episode has tracks, all settled (and its transcript's outcome when asked for)."""
    tracks = episode["tracks"]
    settled = bool(tracks) and all(track["status"] in (PROCESSED, FAILED) for track in tracks)
    transcript_status = episode.get("transcriptStatus")
    if not settled or (transcript and transcript_status not in TRANSCRIPT_OUTCOMES):
        return Outcome.PENDING
    failed = any(track["status"] == FAILED for track in tracks) or (transcript and transcript_status == INVALID)
    return Outcome.FAILED if failed else Outcome.SUCCEEDED


@app.command("watch")
def watch(
    ctx: typer.Context,
    episode_id: Annotated[str, typer.Argument(metavar="EPISODE", help="Episode id.")],
    interval: Annotated[float, typer.Option(min=0, help="Seconds between polls.")] = 5.0,
    timeout: Annotated[float, typer.Option(min=0, help="Give up after this many seconds.")] = 1800.0,
    transcript: Annotated[bool, typer.Option("--transcript", help="Also wait for the transcript.")] = False,
) -> None:
    """Follow processing live until every track is Processed or ProcessingFailed.

    Waits for at least one track. Exits 0 when all are processed, 1 when one failed or on timeout.
    """
    deadline = time.monotonic() + timeout
    # Transient: the live view is replaced by a plain print of the last state, which also works
    # when stdout is not a terminal (rich only animates on terminals).
    with api_session(ctx) as client, Live(console=console, auto_refresh=False, transient=True) as live:
        while True:
            episode = client.get_episode(episode_id)
            outcome = watch_outcome(episode, transcript=transcript)
            view = Group(episode_fields(episode), tracks_table(episode))
            live.update(view, refresh=True)
            remaining = deadline - time.monotonic()
            if outcome is not Outcome.PENDING or remaining <= 0:
                break
            time.sleep(min(interval, remaining))
    console.print(view)
    if outcome is Outcome.PENDING:
        fail(f"timed out after {timeout:g} s")
    if outcome is Outcome.FAILED:
        if transcript and episode.get("transcriptStatus") == INVALID:
            fail(f"the transcript is invalid: {episode.get('transcriptError')}")
        fail("processing failed for at least one track")
    console.print("All tracks processed.", style="green")


def transcript_state(episode: EpisodeDetail) -> str:
    """The newest transcript's status, its key and, when it is invalid, what to fix."""
    key = episode.get("transcriptKey")
    if not key:
        return "not uploaded"
    status = episode.get("transcriptStatus", "Uploaded")
    if status == INVALID:
        return f"{status} ({key}): {episode.get('transcriptError', '')}"
    return f"{status} ({key})"


def episode_fields(episode: EpisodeDetail) -> Table:
    """The episode's fields as a two-column grid; fields without a value are left out."""
    grid = Table.grid(padding=(0, 2))
    rows = {
        "id": episode["id"],
        "title": episode["title"],
        "number": str(episode["episodeNumber"]),
        "status": episode["status"],
        "series": episode.get("seriesName", ""),
        "air date": episode.get("airDate", ""),
        "platforms": ", ".join(episode["platforms"]),
        "themes": ", ".join(episode["themes"]),
        "summary": episode.get("summary", ""),
        "transcript": transcript_state(episode),
        "clips": str(episode["clipCount"]),
        "clip agent": episode.get("agentSummary", ""),
        "updated": episode["updatedAt"],
    }
    for name, value in rows.items():
        if value:
            grid.add_row(Text(name, style="bold"), Text(value))
    return grid


def tracks_table(episode: EpisodeDetail) -> Table:
    """The episode's tracks: status (coloured), segment count, duration, failure reason."""
    table = Table("track", "status", "segments", "duration", "failure", title=f"Tracks ({len(episode['tracks'])})")
    styles = {PROCESSED: "green", FAILED: "red"}
    for track in episode["tracks"]:
        duration = track.get("totalDurationSeconds")
        table.add_row(
            Text(track["trackName"]),
            Text(track["status"], style=styles.get(track["status"], "yellow")),
            str(track.get("segmentCount", "")),
            f"{duration:.1f} s" if duration is not None else "",
            Text(track.get("failureReason", "")),
        )
    return table


def clips_table(items: list[Clip]) -> Table:
    """The clips: id (for review and render), type, status, hook, total duration, each segment, renders."""
    table = Table(title=f"Clips ({len(items)})", show_lines=True)
    table.add_column("clip", no_wrap=True)
    for column in ("type", "status", "hook", "duration", "segments"):
        table.add_column(column)
    for clip in items:
        segments = "\n".join(
            f"{segment['startTime']} - {segment['endTime']}  {segment['text']}" for segment in clip["segments"]
        )
        renders = [f"{r['format']}: {r['status']}" for r in clip.get("renders", [])]
        status = "\n".join([clip["status"], *renders])
        duration = f"{clip['totalDurationSeconds']:.1f} s"
        table.add_row(
            clip["clipId"], Text(clip["clipType"]), Text(status), Text(clip["hook"]), duration, Text(segments)
        )
    return table


Password = Annotated[
    str | None,
    typer.Option("--password", envvar="NULLCHECK_PASSWORD", help="The password (asked for when not given)."),
]


def require(value: str | None, what: str, option: str, variable: str) -> str:
    if not value:
        fail(f"no {what}: pass {option} or set {variable} (the local stack's are found by themselves)")
    return str(value)


@app.command("login")
def login(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="Your email address (the username).")],
    password: Password = None,
    srp: Annotated[bool, typer.Option("--srp", help="Sign in with SRP: the password is proven, never sent.")] = False,
    new_password: Annotated[
        str | None,
        typer.Option(help="The password to set at the first sign-in with a temporary one (asked for when needed)."),
    ] = None,
) -> None:
    """Sign in to the API's user pool and keep the tokens (refreshed by themselves) for the other commands."""
    settings: Settings = ctx.obj.settings
    client_id = require(settings.client_id, "app client", "--client-id", "NULLCHECK_CLIENT_ID")
    if srp:
        require(settings.user_pool_id, "user pool", "--user-pool-id", "NULLCHECK_USER_POOL_ID")
    if password is None:
        password = typer.prompt("Password", hide_input=True)
    with cognito_errors("sign-in"):
        cognito = auth.cognito_client(settings.region, settings.cognito_endpoint)
        if srp:
            answer = auth.srp_sign_in(cognito, str(settings.user_pool_id), client_id, email, password)
        else:
            answer = auth.password_sign_in(cognito, client_id, email, password)
        if answer.get("ChallengeName") == "NEW_PASSWORD_REQUIRED":
            if new_password is None:
                errors.print("This is your first sign-in: choose your own password.")
                new_password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
            answer = auth.set_new_password(cognito, client_id, answer, email, new_password)
    if "AuthenticationResult" not in answer:
        fail(f"Cognito asks for {answer.get('ChallengeName')}, which nullcheck login does not support")
    result = answer["AuthenticationResult"]
    tokens = auth.Tokens(
        id_token=result["IdToken"],
        access_token=result["AccessToken"],
        refresh_token=result.get("RefreshToken"),
        client_id=client_id,
        region=settings.region,
        user_pool_id=settings.user_pool_id,
        cognito_endpoint=settings.cognito_endpoint,
    )
    auth.TokenCache().put(settings.api_url, tokens)
    tenant = tokens.claims.get(TENANT_CLAIM)
    console.print(
        f"Signed in to {settings.api_url} as {tokens.claims.get('email', email)}"
        + (f" (tenant {tenant})." if tenant else " (no tenant yet: an operator must set one)."),
        markup=False,
        highlight=False,
    )


@app.command("logout")
def logout(ctx: typer.Context) -> None:
    """Revoke the refresh token (where Cognito can) and forget this API's tokens."""
    api_url = ctx.obj.settings.api_url
    tokens = auth.TokenCache().forget(api_url)
    if tokens is None:
        console.print(f"Not signed in to {api_url}.", markup=False, highlight=False)
        return
    if not tokens.refresh_token:
        console.print(f"Signed out of {api_url}.", markup=False, highlight=False)
        return
    # One attempt: a refusal is an answer, and whatever it is, the tokens are forgotten here.
    cognito = auth.cognito_client(tokens.region, tokens.cognito_endpoint, attempts=1)
    try:
        cognito.revoke_token(Token=tokens.refresh_token, ClientId=tokens.client_id)
    except (ClientError, BotoCoreError) as error:
        console.print(
            f"Signed out of {api_url}: tokens forgotten here, but Cognito did not revoke the refresh token "
            f"({refusal(error)}); it stays valid until it expires.",
            markup=False,
            highlight=False,
        )
        return
    console.print(f"Signed out of {api_url}: refresh token revoked.", markup=False, highlight=False)


def refusal(error: ClientError | BotoCoreError) -> str:
    """What an AWS answer said, short: its code and message, or its HTTP status for a page that is not AWS's."""
    if not isinstance(error, ClientError):
        return str(error)[:120]
    details = error.response.get("Error", {})
    message = str(details.get("Message") or "").strip()
    if not message or message.startswith("<"):
        return f"HTTP {error.response.get('ResponseMetadata', {}).get('HTTPStatusCode', '?')}"
    return f"{details.get('Code', 'Error')}: {message[:120]}"


@app.command("whoami")
def whoami(ctx: typer.Context) -> None:
    """Who the API calls are made as: email, tenant and when the ID token expires."""
    api_url = ctx.obj.settings.api_url
    try:
        signed_in = auth.session_for(api_url)
        claims = signed_in.claims() if isinstance(signed_in, auth.FixedToken) else signed_in.current().claims
    except auth.SignInError as error:
        fail(str(error))
    expiry = datetime.fromtimestamp(float(claims.get("exp", 0)), UTC)
    left = expiry - datetime.now(UTC)
    grid = Table.grid(padding=(0, 2))
    rows = {
        "api": api_url,
        "email": str(claims.get("email", "")),
        "tenant": str(claims.get(TENANT_CLAIM) or "none (an operator must set custom:tenantId)"),
        "token expires": f"{expiry:%Y-%m-%d %H:%M:%S} UTC (in {max(0, int(left.total_seconds() // 60))} min)",
        "from": auth.TOKEN_ENV if isinstance(signed_in, auth.FixedToken) else "nullcheck login",
    }
    for name, value in rows.items():
        grid.add_row(Text(name, style="bold"), Text(value))
    console.print(grid)


users_app = typer.Typer(help="Operators: create users of the user pool, each in a tenant.", no_args_is_help=True)
app.add_typer(users_app, name="users")


@users_app.command("create")
def create_user(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="The user's email address (their username).")],
    tenant: Annotated[str, typer.Option(help="The tenant the user belongs to (custom:tenantId).")],
    password: Annotated[
        str | None,
        typer.Option(help="A permanent password; without it, a temporary one is printed (changed at first sign-in)."),
    ] = None,
) -> None:
    """Create a user in a tenant with Cognito's admin API (signed with your AWS credentials)."""
    settings: Settings = ctx.obj.settings
    pool_id = require(settings.user_pool_id, "user pool", "--user-pool-id", "NULLCHECK_USER_POOL_ID")
    if not is_valid_tenant(tenant):
        fail("a tenant is letters, digits, - and _ (at most 64), starting with a letter or digit")
    attributes = [
        {"Name": "email", "Value": email},
        {"Name": "email_verified", "Value": "true"},
        {"Name": TENANT_CLAIM, "Value": tenant},
    ]
    temporary = None if password else new_password()
    with cognito_errors("creating the user"):
        cognito = auth.cognito_client(settings.region, settings.cognito_endpoint, signed=True)
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=email,
            UserAttributes=attributes,
            **({"TemporaryPassword": temporary} if temporary else {"MessageAction": "SUPPRESS"}),
        )
        if password:
            cognito.admin_set_user_password(UserPoolId=pool_id, Username=email, Password=password, Permanent=True)
    if temporary:
        console.print(f"Created {email} in tenant {tenant}. Temporary password (valid 7 days):", markup=False)
        console.print(temporary, markup=False, highlight=False)
    else:
        console.print(f"Created {email} in tenant {tenant} with the password given.", markup=False)


dlq_app = typer.Typer(help="Failed events: list them and send them back.", no_args_is_help=True)
app.add_typer(dlq_app, name="dlq")
AwsEndpoint = Annotated[
    str | None,
    typer.Option("--aws-endpoint", envvar="NULLCHECK_AWS_ENDPOINT", help="AWS endpoint (the local stack's moto URL)."),
]
StackOption = Annotated[str | None, typer.Option("--stack", help="Only this Pulumi stack's queues.")]


def aws_client(service: str, endpoint: str | None) -> Any:
    return boto3.client(service, endpoint_url=endpoint)


@dlq_app.command("list")
def dlq_list(endpoint: AwsEndpoint = None, stack: StackOption = None, show: int = 3) -> None:
    """Each dead-letter queue with its message count and a few of its failed events."""
    sqs = aws_client("sqs", endpoint)
    table = Table(title="Dead-letter queues")
    for column in ("queue", "messages", "events"):
        table.add_column(column)
    for queue in dlq.dead_letter_queues(sqs, stack):
        letters = dlq.peek(sqs, queue, show) if queue.messages else []
        described = "\n".join(f"{letter.summary}{f': {letter.error}' if letter.error else ''}" for letter in letters)
        table.add_row(queue.name, str(queue.messages), Text(described))
    console.print(table)


@dlq_app.command("redrive")
def dlq_redrive(
    queue_name: Annotated[str | None, typer.Argument(help="Queue name; all queues when omitted.")] = None,
    endpoint: AwsEndpoint = None,
    stack: StackOption = None,
) -> None:
    """Send failed events back to their function (handlers are idempotent, so this is safe)."""
    sqs, lambda_client = aws_client("sqs", endpoint), aws_client("lambda", endpoint)
    queues = [q for q in dlq.dead_letter_queues(sqs, stack) if queue_name in (None, q.name)]
    if queue_name and not queues:
        fail(f"no dead-letter queue named {queue_name}")
    for queue in queues:
        console.print(f"{queue.name}: {dlq.redrive(sqs, lambda_client, queue)} events sent back")


# The clip commands live in their own module; registered last, once everything they use exists.
from client.clip_commands import clips_app  # noqa: E402

app.add_typer(clips_app, name="clips")
