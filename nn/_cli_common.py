"""What the `chainrule` subcommands share: the error type (and, later, network arguments)."""


class CLIError(Exception):
    """A user error: `chainrule` prints it on one line and exits with status 2."""
