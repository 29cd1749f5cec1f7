"""`python -m newsreader` runs the same command as the `newsreader` script."""

from newsreader.cli.main import entry_point

entry_point()
