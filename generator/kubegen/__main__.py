"""`python -m kubegen ...`: the kubegen command."""

from kubegen.command import main

main()
