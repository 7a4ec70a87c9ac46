"""The one exception type users see: a clear message, no traceback from the CLI."""


class W2VError(Exception):
    """A user-facing failure: bad input, bad parameter, unreadable or unwritable path.

    The command line prints ``error: <message>`` and exits with status 2 (``--debug`` adds the
    traceback). Messages name the file and, where it applies, the line or byte offset.
    """


class ConfigError(W2VError, ValueError):
    """A training or query parameter that is out of range or inconsistent."""


class InputError(W2VError):
    """A file or stream that cannot be read or is malformed."""
