"""`python -m fanpulse`: the same as the `fanpulse` command."""

from fanpulse.cli import app

app(prog_name="fanpulse")
