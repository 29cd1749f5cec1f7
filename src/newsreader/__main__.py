"""`python -m newsreader` runs the same command as the `newsreader` script."""

from newsreader.cli import entry_point

entry_point()
