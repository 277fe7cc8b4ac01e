"""`python -m local` (`make dev`): run the local stack until Ctrl-C.

It serves the built studio (`studio/dist`, which `make dev` builds when its sources changed) on its
own port (`STUDIO_PORT`, 3001) as its CloudFront distribution does: the same `config.json` and
security headers, the API under `/api`. It writes `.nullcheck/local-stack.json` in the project
root (where the API and the studio are, the region and the Cognito endpoint, pool and app client),
which the `nullcheck` CLI finds from any directory below it, and removes it when the stack stops.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
from pathlib import Path

from rich.console import Console

from handlers.contract import LOCAL_STACK_FILE
from local.stack import LocalStack, LocalStackConfig

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONNECTION_FILE = PROJECT_ROOT / LOCAL_STACK_FILE
STUDIO_DIR = PROJECT_ROOT / "studio" / "dist"


def main() -> None:
    console = Console()
    config = LocalStackConfig(
        api_port=int(os.environ.get("PORT", "3000")),
        origin=os.environ.get("ORIGIN", "*"),
        allow_self_sign_up=os.environ.get("ALLOW_SELF_SIGN_UP", "").lower() in ("1", "true", "yes"),
        studio_dir=STUDIO_DIR,
        studio_port=int(os.environ.get("STUDIO_PORT", "3001")),
    )
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    with LocalStack(config) as stack:
        written = stack.write_connection(CONNECTION_FILE)
        console.print(f"[bold green]NullCheck local stack[/] API  {stack.api_url}")
        if stack.studio_url:
            console.print(f"  [bold]Studio[/]       {stack.studio_url} (studio/dist, as CloudFront serves it)")
        else:
            console.print("  Studio       not built: `make dev` builds it (or `make studio`)")
        console.print(f"  OpenAPI      {stack.api_url}/openapi.json")
        console.print(f"  AWS (moto)   {stack.moto_url}")
        pool, client = stack.user_pool_id, stack.user_pool_client_id
        console.print(f"  Cognito      {stack.cognito_url} (pool {pool}, client {client})")
        console.print(f"  MediaConvert {stack.mediaconvert_url} (ffmpeg)")
        console.print(f"  Rekognition  {stack.rekognition_url} (DetectFaces: OpenCV's face detector)")
        console.print(f"  Bedrock      {stack.bedrock_url} (offline clip model, not a language model)")
        console.print(f"  Sign-in      {written.relative_to(PROJECT_ROOT)}; create a user with")
        console.print("               nullcheck users create you@example.com --tenant demo --password '…'")
        console.print("               then: nullcheck login you@example.com")
        console.print("  Ctrl-C stops it.")
        with contextlib.suppress(KeyboardInterrupt):
            stopping.wait()
        console.print("stopping…")
        _forget(written, stack.connection())
    console.print("stopped.")


def _forget(path: Path, connection: dict[str, object]) -> None:
    """Remove the connection file unless another stack has written its own since."""
    with contextlib.suppress(OSError, ValueError):
        if json.loads(path.read_text()) == connection:
            path.unlink()


if __name__ == "__main__":
    main()
