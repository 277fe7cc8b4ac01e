"""`nullcheck episodes …`: create, list and inspect episodes."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from client.commands import shared
from client.commands.shared import EpisodeArg
from client.commands.views import episode_fields, tracks_table

app = typer.Typer(name="episodes", help="Create, list and inspect episodes.", no_args_is_help=True)


@app.command("create")
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
    with shared.api_session(ctx) as client:
        episode_id = client.create_episode(
            title,
            number,
            summary=summary,
            air_date=air_date,
            platforms=platform or (),
            themes=theme or (),
            series_name=series,
        )
    shared.console.print(episode_id, markup=False, highlight=False)


@app.command("list")
def list_episodes(
    ctx: typer.Context,
    limit: Annotated[int | None, typer.Option(help="Episodes per page (1 to 20, the API's default is 20).")] = None,
    all_pages: Annotated[bool, typer.Option("--all", help="Follow nextToken through every page.")] = False,
) -> None:
    """List episodes, newest first: one page, or every page with --all."""
    with shared.api_session(ctx) as client:
        if all_pages:
            items, more = list(client.iter_episodes(limit=limit)), False
        else:
            page = client.list_episodes(limit=limit)
            items, more = page["items"], bool(page.get("nextToken"))
    table = Table("id", "title", "status", "air date", "platforms", title=f"Episodes ({len(items)})")
    for item in items:
        platforms = ", ".join(item.get("platforms", []))
        table.add_row(*map(Text, (item["id"], item["title"], item["status"], item.get("airDate", ""), platforms)))
    shared.console.print(table)
    if more:
        shared.console.print("More episodes exist: use --all to list them all.", style="dim")


@app.command("show")
def show_episode(ctx: typer.Context, episode_id: EpisodeArg) -> None:
    """Show an episode: its fields, tracks, transcript state and clip count."""
    with shared.api_session(ctx) as client:
        episode = client.get_episode(episode_id)
    shared.console.print(episode_fields(episode))
    shared.console.print(tracks_table(episode))
