"""What every command group shares: the consoles, the one-red-line failure, the global options and
the signed-in API session.

Commands print through `shared.console` and build their API client through
`shared.client_factory`, looked up when they run, so tests swap in a wide console or a client on
an `httpx.MockTransport` in this one place. API refusals, unreachable servers, failed sign-ins
and failed uploads become one red line on stderr and exit status 1, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, NoReturn

import httpx
import typer
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError
from rich.console import Console

from client import auth
from client.api import ApiError, NullCheckClient
from client.completion import CompletionFailed
from client.settings import Settings, resolve
from client.uploads import UploadError

client_factory: Callable[[str], NullCheckClient] = NullCheckClient
"""Builds the API client from the `--api` URL; tests replace it to inject a transport."""

console = Console()
errors = Console(stderr=True)

EpisodeArg = Annotated[str, typer.Argument(metavar="EPISODE", help="Episode id.")]


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


def settings(ctx: typer.Context) -> Settings:
    """Where the command's API and user pool are (the root command stores the options in `ctx.obj`)."""
    options: Options = ctx.obj
    return options.settings


def fail(message: str) -> NoReturn:
    """Print the message in red on stderr and exit with status 1."""
    errors.print(message, style="red", markup=False, highlight=False)
    raise typer.Exit(1)


def require(value: str | None, what: str, option: str, variable: str) -> str:
    """The setting, or a failure that names the option and variable that give it."""
    if not value:
        fail(f"no {what}: pass {option} or set {variable} (the local stack's are found by themselves)")
    return str(value)


@contextmanager
def api_session(ctx: typer.Context) -> Iterator[NullCheckClient]:
    """A signed-in client of the command's API; any API, sign-in, network or upload failure exits with 1."""
    api_url = settings(ctx).api_url
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
    except CompletionFailed as error:
        fail(f"upload not completed: {error}")
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
