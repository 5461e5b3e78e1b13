"""``python -m gongkai``: the same command line as the ``gongkai`` script."""

from gongkai.cli import main

main(prog_name="gongkai")
