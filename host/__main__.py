"""`python -m host` is the `hashtalk` command."""

from host.app.cli import main

# Guarded: `serve --workers` starts its workers by importing the main module again, which must not run the command.
if __name__ == "__main__":
    main(prog_name="hashtalk")
