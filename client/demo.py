"""`make demo`: the whole NullCheck flow on this machine, driven through the real API with the CLI.

Starts the local stack, creates a demo user (tenant `demo`) and signs it in with the `nullcheck`
command line, makes a sample episode (or takes `VIDEO=` and `SRT=` files), creates it and
uploads its track and transcript with the CLI, waits for chunking and
the clip agent (the offline clip model: a heuristic, not a language model), prints the track's
chunks and the proposed clips, approves the top clip, renders it vertical with burned-in captions
and downloads it (its path is printed). One line per pipeline stage; the functions' own log lines
go to `FUNCTION_LOG`.

Run in a terminal, it then keeps the stack and the studio (the built `studio/dist`, which `make
demo` builds first) up and prints the studio's URL with the demo user's email and password, so
the episode, its clips and the render can be opened there; Ctrl-C stops everything. Without a
terminal (CI, a pipe) it stops at once.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from client import auth
from client.api import NullCheckClient
from handlers.contract import FRAME_SIZES, LOCAL_STACK_FILE, RenderFormat, new_password
from local.samples import generate_video
from local.stack import LocalStack, LocalStackConfig
from local.transcripts import sample_transcript

console = Console()
SAMPLE_MINUTES = 5
FUNCTION_LOG = Path(".nullcheck") / "logs" / "functions.log"
RENDERS = Path(".nullcheck") / "demo"
"""Where the demo leaves the rendered clip."""
PROJECT_ROOT = Path(__file__).resolve().parent.parent
STUDIO_DIR = PROJECT_ROOT / "studio" / "dist"
DEMO_EMAIL = "demo@example.com"
DEMO_TENANT = "demo"
DEMO_FORMAT: RenderFormat = "vertical"
"""The format of the rendered top clip: the one phones show full screen."""


class Cli:
    """The `nullcheck` CLI as a user runs it, in a directory where it finds the stack's connection file.

    Its tokens are cached in a config directory of its own, so the demo never touches yours.
    """

    def __init__(self, workdir: Path, api_url: str) -> None:
        self.workdir, self.api_url = workdir, api_url
        self.config_home = workdir / "config"
        self.cache = auth.TokenCache(self.config_home / "nullcheck" / "tokens.json")

    def __call__(self, *args: str) -> str:
        return nullcheck(self.api_url, *args, cwd=self.workdir, env={"XDG_CONFIG_HOME": str(self.config_home)})

    def api(self) -> NullCheckClient:
        """An API client signed in as the CLI is (its cached tokens, refreshed when needed)."""
        return NullCheckClient(self.api_url, authorization=auth.session_for(self.api_url, self.cache).header)


def nullcheck(api_url: str, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    """Run the `nullcheck` CLI (as a user would) and return what it printed."""
    command = [sys.executable, "-m", "client", "--api", api_url, *args]
    environment = {**os.environ, **(env or {})}
    environment.pop(auth.TOKEN_ENV, None)
    # Run from another directory, the CLI still imports this checkout's packages.
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), environment.get("PYTHONPATH")]))
    done = subprocess.run(command, capture_output=True, text=True, timeout=1800, cwd=cwd, env=environment)
    if done.returncode != 0:
        console.print(f"[red]✗ nullcheck {shlex.join(args)}[/]", done.stdout, done.stderr)
        raise SystemExit(f"nullcheck {args[0]} failed; the functions' logs are in {FUNCTION_LOG}")
    return done.stdout.strip()


class Progress:
    """One line per pipeline stage: what is done and how long since the start."""

    def __init__(self) -> None:
        self.started = time.monotonic()

    def done(self, stage: str, detail: str = "") -> None:
        elapsed = time.monotonic() - self.started
        console.print(f"[green]✓[/] {elapsed:6.1f} s  [bold]{stage:<20}[/] {detail}", highlight=False, soft_wrap=True)


def sample_files(workdir: Path) -> tuple[Path, Path]:
    video = Path(os.environ["VIDEO"]).resolve() if os.environ.get("VIDEO") else None
    srt = Path(os.environ["SRT"]).resolve() if os.environ.get("SRT") else None
    if video is None:
        console.print(f"Generating a {SAMPLE_MINUTES}-minute sample video with ffmpeg…")
        video = generate_video(workdir / "sample-episode.mp4", SAMPLE_MINUTES * 60, width=640, height=360)
    if srt is None:
        srt = workdir / "sample-episode.srt"
        srt.write_text(sample_transcript(minutes=SAMPLE_MINUTES))
    return video, srt


def wait_for_summary(api: NullCheckClient, episode_id: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if api.get_episode(episode_id).get("agentSummary"):
            return
        time.sleep(0.5)
    raise SystemExit("the clip agent did not finish in time")


def chunks_table(api: NullCheckClient, episode_id: str) -> Table:
    table = Table(title="HLS chunks")
    for column in ("track", "#", "start", "end", "object"):
        table.add_column(column)
    for track in api.get_episode(episode_id).get("tracks", []):
        for segment in track.get("segments", []):
            table.add_row(
                track["trackName"],
                str(segment["seq"]),
                f"{segment['start']:.1f}",
                f"{segment['end']:.1f}",
                segment["key"],
            )
    return table


def keep_up(stack: LocalStack, episode_id: str, password: str) -> None:
    """The stack and the studio stay up, with the demo user's sign-in printed, until Ctrl-C (or SIGTERM)."""
    console.print()
    console.print(f"[bold green]Open the studio:[/] {stack.studio_url}/episodes/{episode_id}")
    console.print(f"  email     {DEMO_EMAIL}")
    console.print(f"  password  {password}")
    console.print("  The demo's episode, its clips and the rendered clip are there. Ctrl-C stops the stack.")
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    with contextlib.suppress(KeyboardInterrupt):
        stopping.wait()
    console.print("stopping…")


def main() -> None:
    progress = Progress()
    with tempfile.TemporaryDirectory(prefix="nullcheck-demo-") as workdir:
        video, srt = sample_files(Path(workdir))
        progress.done("sample ready", f"{video.name} ({video.stat().st_size / 1e6:.1f} MB), {srt.name}")
        config = LocalStackConfig(
            api_port=int(os.environ.get("PORT", "0")),
            function_log=FUNCTION_LOG.resolve(),
            studio_dir=STUDIO_DIR,
            studio_port=int(os.environ.get("STUDIO_PORT", "0")),
        )
        with LocalStack(config) as stack:
            url = stack.api_url
            progress.done("local stack up", url)
            progress.done("function logs", f"in {FUNCTION_LOG}")
            stack.write_connection(Path(workdir) / LOCAL_STACK_FILE)
            cli = Cli(Path(workdir), url)
            password = new_password()
            cli("users", "create", DEMO_EMAIL, "--tenant", DEMO_TENANT, "--password", password)
            progress.done("demo user created", f"nullcheck users create {DEMO_EMAIL} --tenant {DEMO_TENANT}")
            cli("login", DEMO_EMAIL, "--password", password)
            progress.done("signed in", f"nullcheck login {DEMO_EMAIL} (ID token cached, refreshed when needed)")
            create = ["episodes", "create", "--title", "NullCheck demo", "--number", "1", "--platform", "youtube"]
            episode_id = cli(*create, "--series", "Null Check")
            progress.done("episode created", f"nullcheck episodes create → {episode_id}")
            cli("upload-track", episode_id, str(video), "--track", "main")
            progress.done("track uploaded", f"nullcheck upload-track {video.name} --track main")
            cli("upload-transcript", episode_id, str(srt))
            progress.done("transcript uploaded", f"nullcheck upload-transcript {srt.name}")
            cli("watch", episode_id, "--transcript", "--timeout", "900")
            with cli.api() as api:
                tracks = api.get_episode(episode_id).get("tracks", [])
                segments = sum(len(track.get("segments", [])) for track in tracks)
                progress.done("track chunked", f"{segments} HLS segments (nullcheck watch)")
                wait_for_summary(api, episode_id)
                progress.done("clips proposed", f"{api.get_episode(episode_id).get('clipCount', 0)} clips")
                console.print(cli("episodes", "show", episode_id))
                console.print(chunks_table(api, episode_id))
                top = api.list_clips(episode_id)[0]  # highest score first
            console.print(cli("clips", "list", episode_id))
            console.print("[dim]Clips come from the offline clip model (a heuristic, not a language model).[/]")
            cli("clips", "approve", episode_id, top["clipId"])
            progress.done("top clip approved", f"nullcheck clips approve … {top['clipId']}: {top['hook']}")
            cli("clips", "render", episode_id, top["clipId"], "--format", DEMO_FORMAT, "--timeout", "900")
            width, height = FRAME_SIZES[DEMO_FORMAT]
            rendered = f"nullcheck clips render … --format {DEMO_FORMAT} ({width}x{height}, captions burned in)"
            progress.done("clip rendered", rendered)
            target = (RENDERS / f"{top['clipId']}-{DEMO_FORMAT}.mp4").resolve()
            target.parent.mkdir(parents=True, exist_ok=True)
            cli("clips", "download", episode_id, top["clipId"], "-o", str(target), "--format", DEMO_FORMAT)
            progress.done("clip downloaded", str(target))
            if sys.stdout.isatty() and stack.studio_url:
                keep_up(stack, episode_id, password)
            elif sys.stdout.isatty():
                console.print("[dim]No built studio (studio/dist): `make demo` builds it and keeps it up here.[/]")
    console.print(f"[bold]Demo finished; the local stack is stopped.[/] Function logs: {FUNCTION_LOG}")


if __name__ == "__main__":
    main()
