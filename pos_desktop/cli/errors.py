"""The two ways a ``pos-admin`` command fails; ``admin.main`` turns them into exit codes."""


class UsageError(Exception):
    """Bad input on the command line (exit 2); the message says what to type instead."""


class CommandError(Exception):
    """The command could not do its job (exit 1); the message says what to do next."""
