"""`python -m host` is the `hashtalk` command."""

from host.app.cli import main

main(prog_name="hashtalk")
