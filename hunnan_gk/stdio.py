"""Standard output at the edges: started with it closed (`>&-`), or its reader gone
(`| head -1`). Used by the CLI's boundary and by `commands.common.after_commit`; imports
nothing beyond the standard library, since every command's start runs it."""

from __future__ import annotations

import sys

_started_without_stdout = False


def plug_closed_stdout() -> None:
    """When the tool is started with stdout closed (`>&-`: Python's sys.stdout is None), give
    descriptor 1 to /dev/null before anything else is opened — otherwise the next file opened
    (an export, a letter) would get descriptor 1 and what is meant for stdout would land in
    it — and point sys.stdout there, so that no command fails on a missing stdout.
    `stdout_was_closed()` then tells a command that saved something to say so on stderr."""
    global _started_without_stdout
    import os

    if sys.stdout is not None:
        return
    handle = os.open(os.devnull, os.O_WRONLY)  # the lowest free descriptor: 1 when only it is closed
    if handle != 1:
        os.dup2(handle, 1)
        os.close(handle)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
    _started_without_stdout = True


def stdout_was_closed() -> bool:
    """Whether the tool was started with stdout closed (`plug_closed_stdout`)."""
    return _started_without_stdout


def quiet_stdout() -> None:
    """Point a broken stdout at /dev/null, so that Python's flush at exit fails no more."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (AttributeError, OSError, ValueError):  # no real file behind it (tests, closed)
        pass


def stdout_reader_gone() -> bool:
    """Whether stdout is a pipe whose reader has closed it (`| head -1`); True where the
    system cannot tell (no poll)."""
    import select

    if not hasattr(select, "poll"):
        return True
    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & select.POLLERR for _, events in poller.poll(0))
    except (AttributeError, OSError, ValueError):  # no real file behind it (tests)
        return False
