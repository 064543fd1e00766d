"""One error family; each carries the exit code documented in the README.

Exit codes: 0 done, 1 refused or failed, 2 usage, 3 database problem,
4 a report's --fail-on threshold was reached.
"""

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_DATABASE = 3
EXIT_THRESHOLD = 4


class GkError(Exception):
    """A message for the clerk, in Chinese, and the exit code that goes with it."""

    exit_code = EXIT_REFUSED

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


class Refused(GkError):
    """A rule of the regulation or of the workflow refuses the command (exit 1)."""

    exit_code = EXIT_REFUSED


class InputError(GkError):
    """A value the clerk typed cannot be understood (exit 2)."""

    exit_code = EXIT_USAGE


class ConfigError(GkError):
    """The config or override file is unreadable or wrong (exit 2)."""

    exit_code = EXIT_USAGE


class DatabaseError(GkError):
    """The database cannot be opened, is not ours, is newer, or is damaged (exit 3)."""

    exit_code = EXIT_DATABASE
