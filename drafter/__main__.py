"""`python -m drafter` runs the command line."""

from drafter.cli import main

main()
