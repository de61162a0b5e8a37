"""``python -m cspersona``: the same as the ``cspersona`` command."""

from cspersona.cli import main

main()
