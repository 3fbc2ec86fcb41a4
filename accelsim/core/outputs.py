"""Output paths: an OS error while writing becomes one line that names the option, says what
is in the way and what to do (instead of a bare "File exists" or "Is a directory")."""
from __future__ import annotations

import errno
from contextlib import contextmanager
from pathlib import Path

from accelsim.core.errors import ConfigError


def _blocking_file(path: Path) -> Path | None:
    """The nearest ancestor of ``path`` that exists and is not a directory, if any."""
    for parent in [path, *path.parents]:
        if parent.exists():
            return None if parent.is_dir() else parent
    return None


def output_error(exc: OSError, path: str | Path, option: str | None,
                 what: str = "results") -> ConfigError:
    """The ConfigError for ``exc``, raised while writing ``what`` to ``path`` (given by
    ``option``, e.g. ``-o/--out``)."""
    path = Path(path)
    target = Path(exc.filename) if exc.filename else path
    other = f"choose another path with {option}" if option else "choose another path"
    code = exc.errno
    if code in (errno.ENOTDIR, errno.EEXIST) and (blocker := _blocking_file(target)):
        return ConfigError(f"cannot write {what}: {blocker} is a file, where a directory is "
                           "needed", source=str(path), field=option,
                           fix=f"{other}, or move that file away")
    if code == errno.EISDIR:
        fix = (f"give {option or 'it'} a file path, not a directory" if target == path
               else f"{other}, or remove or rename that directory")
        return ConfigError(f"cannot write {what}: {target} is a directory, where a file is "
                           "written", source=str(path), field=option, fix=fix)
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return ConfigError(f"cannot write {what}: no permission to write {target}",
                           source=str(path), field=option,
                           fix=f"{other} in a directory you can write")
    if code == errno.ENOSPC:
        return ConfigError(f"cannot write {what}: no space left on the device of {target}",
                           source=str(path), field=option, fix=f"free space, or {other}")
    reason = exc.strerror or str(exc)
    return ConfigError(f"cannot write {what} to {target}: {reason}", source=str(path),
                       field=option, fix=other)


@contextmanager
def writing(path: str | Path, option: str | None, what: str = "results"):
    """Turn an OSError raised inside the block into :func:`output_error`."""
    try:
        yield
    except OSError as exc:
        raise output_error(exc, path, option, what) from None
