"""`python -m host` is the `hashtalk` command."""

from host.cli import main

main(prog_name="hashtalk")
