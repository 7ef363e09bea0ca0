"""``python -m lakou``: the same as the ``lakou`` command."""

from lakou.cli import main

main(prog_name="lakou")
