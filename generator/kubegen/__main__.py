"""`python -m kubegen ...`: the kubegen command."""

from kubegen.cli import main

main()
