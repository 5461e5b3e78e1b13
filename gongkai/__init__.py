"""gongkai's command line: one click group on top of the library (``gongkai.cli``).

Each command module parses its options, calls one library function and formats the result; it is
the only package that imports click or rich, and the only place where library errors become
one-line messages (``gongkai.boundary``). ``python -m gongkai`` runs the same group.
"""
