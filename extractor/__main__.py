"""`python -m extractor`: the same as the `fazhi` command."""

from extractor.cli.app import app

app(prog_name="fazhi")
