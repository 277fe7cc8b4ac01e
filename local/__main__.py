"""`python -m local` (`make dev`): run the local stack until Ctrl-C."""

from __future__ import annotations

import contextlib
import os
import signal
import threading

from rich.console import Console

from local.stack import LocalStack, LocalStackConfig


def main() -> None:
    console = Console()
    config = LocalStackConfig(api_port=int(os.environ.get("PORT", "3000")), origin=os.environ.get("ORIGIN", "*"))
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    with LocalStack(config) as stack:
        console.print(f"[bold green]NullCheck local stack[/] API  {stack.api_url}")
        console.print(f"  OpenAPI      {stack.api_url}/openapi.json")
        console.print(f"  AWS (moto)   {stack.moto_url}")
        console.print(f"  MediaConvert {stack.mediaconvert_url} (ffmpeg)")
        console.print(f"  Bedrock      {stack.bedrock_url} (offline clip model, not a language model)")
        console.print("  Ctrl-C stops it.")
        with contextlib.suppress(KeyboardInterrupt):
            stopping.wait()
        console.print("stopping…")
    console.print("stopped.")


if __name__ == "__main__":
    main()
