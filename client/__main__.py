"""`python -m client`: the `nullcheck` command line without the console script."""

from client.cli import app

app(prog_name="nullcheck")
