"""Writing a file so that a failure half-way never leaves it cut short: `write_file`, shared
by `nn.save_json` and the `chainrule` command's outputs."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile

__all__ = ["write_file"]


def write_file(path: str | os.PathLike[str], data: bytes) -> None:
    """Write `data` through `path`: a symlink is followed; a regular file is replaced in full
    or not at all (a new file beside it renamed over it, with the old one's permissions);
    a FIFO or a device is written into. Missing directories are created. OSError if it
    cannot be written (the old file, if any, then untouched)."""
    path = os.fspath(path)
    try:
        old = os.stat(path)  # through every symlink, /proc's magic ones included
    except FileNotFoundError:
        old = None
    if old is not None and not stat.S_ISREG(old.st_mode):
        with open(path, "wb") as stream:  # a FIFO, a terminal, /dev/stdout: never replaced
            stream.write(data)
        return
    target = os.path.realpath(path)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    _replace(target, data, old)


def _replace(target: str, data: bytes, old: os.stat_result | None) -> None:
    directory, name = os.path.split(target)
    descriptor, partial = tempfile.mkstemp(prefix=f".{name}.", suffix=".partial", dir=directory)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if old is not None:  # the old file's permissions (and, when allowed, its owner)
            os.chmod(partial, stat.S_IMODE(old.st_mode))
            with contextlib.suppress(OSError):
                os.chown(partial, old.st_uid, old.st_gid)
        else:  # what open() would have given a new file: mkstemp's are private (0600)
            umask = os.umask(0o022)
            os.umask(umask)
            os.chmod(partial, 0o666 & ~umask)
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise
