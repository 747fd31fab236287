"""Writing output files: atomically (temp file + rename in the same directory), mode 0600.

A reader never sees a half-written file, and a failed run leaves what was there before.
Staging files have random names and are created with O_EXCL|O_NOFOLLOW (a pre-placed file
or link is never written through); every byte is written or the write fails; a target that
is not a regular file (a device, FIFO, socket or symlink) is refused, never replaced.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from typing import TYPE_CHECKING

from tui.model import problems as P

if TYPE_CHECKING:
    from tui.model.load import Loaded

MANIFEST = ".harvester-netsetup-manifest"


class UnsafeTarget(OSError):
    """The output path is not something this tool may replace."""

    def __init__(self, path: str, why: str):
        super().__init__(errno.EINVAL, why, path)


def check_target(path: str) -> None:
    """Refuse to replace anything but a regular file (or nothing)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(st.st_mode):
        raise UnsafeTarget(path, "is a symbolic link; give the real path (a link is not replaced)")
    if stat.S_ISDIR(st.st_mode):
        raise UnsafeTarget(path, "is a directory")
    if not stat.S_ISREG(st.st_mode):
        raise UnsafeTarget(path, "is not a regular file (a device, FIFO or socket is not replaced)")


def same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def _stage(directory: str, name: str, data: bytes, mode: int, fsync: bool = False) -> str:
    """A new file next to the target, written in full and flushed; returns its path."""
    for _ in range(16):
        tmp = os.path.join(directory, (f".tmp-{secrets.token_hex(8)}-" + name)[:200])
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, mode)
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(errno.EEXIST, "cannot create a staging file", directory)
    try:
        os.fchmod(fd, mode)
        write_all(fd, data)
        if fsync:
            os.fsync(fd)
    except BaseException:
        os.close(fd)
        _unlink(tmp)
        raise
    os.close(fd)
    return tmp


def write_all(fd: int, data: bytes) -> None:
    """os.write may write less than asked (a nearly full disk): loop, and fail on no progress."""
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        if n <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[n:]


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def atomic_write(path: str, content: str | bytes, mode: int = 0o600) -> None:
    check_target(path)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    data = content.encode() if isinstance(content, str) else content
    tmp = _stage(directory, os.path.basename(path), data, mode, fsync=True)
    try:
        check_target(path)
        os.replace(tmp, path)
    except BaseException:
        _unlink(tmp)
        raise


def write_tree(directory: str, files: dict[str, str], mode: int = 0o600, prune: bool = False) -> list[str]:
    """Write several files under ``directory``; all are staged first, then renamed in.

    Staged files are created exclusively with their final mode, flushed to disk with one
    sync for the whole tree (a per-file fsync costs ~1 ms each on a journalled disk), then
    renamed. If staging fails nothing is renamed, so the directory keeps its previous content.

    ``prune``: the directory is this tool's output (a fleet, keyfiles). A manifest lists what
    was written; files an earlier run wrote and this one does not are removed (a machine
    taken off the fleet list must not keep its auto-install script). Without a manifest, a
    file of a kind this run writes but not among its files means an unknown earlier output:
    refused, nothing written.
    """
    if prune:
        stale = _stale(directory, files)
    staged: list[tuple[str, str]] = []
    made: set[str] = set()
    try:
        for name, content in files.items():
            final = os.path.join(directory, name)
            parent = os.path.dirname(final)
            if parent not in made:
                os.makedirs(parent, exist_ok=True)
                made.add(parent)
            check_target(final)
            staged.append((_stage(parent, os.path.basename(final), content.encode(), mode), final))
        os.sync()
    except BaseException:
        for tmp, _ in staged:
            _unlink(tmp)
        raise
    for tmp, final in staged:
        os.replace(tmp, final)
    if prune:
        atomic_write(os.path.join(directory, MANIFEST), "".join(f"{name}\n" for name in sorted(files)))
        for name in stale:
            _unlink(os.path.join(directory, name))
    return [final for _, final in staged]


def _stale(directory: str, files: dict[str, str]) -> list[str]:
    """What an earlier run wrote here that this one does not (from the manifest)."""
    try:
        with open(os.path.join(directory, MANIFEST), encoding="utf-8") as fh:
            listed = fh.read(1 << 22).splitlines()
    except FileNotFoundError:
        listed = None
    except (OSError, UnicodeDecodeError) as exc:
        path = os.path.join(directory, MANIFEST)
        raise UnsafeTarget(path, f"unreadable manifest ({exc.__class__.__name__})") from None
    if listed is None:
        unknown = [n for n in _ours_by_kind(directory, files) if n not in files]
        if unknown:
            raise UnsafeTarget(directory, f"holds {len(unknown)} earlier output(s) this run would not replace "
                                          f"(e.g. {unknown[0]}) and no manifest; remove them or use an empty directory")
        return []
    out = []
    for name in listed:
        parts = name.split("/")
        if not name or name.startswith("/") or ".." in parts or name in files:
            continue
        path = os.path.join(directory, name)
        if os.path.isfile(path) and not os.path.islink(path):
            out.append(name)
    return out


def _ours_by_kind(directory: str, files: dict[str, str]) -> list[str]:
    """Files in the sub-directories this run writes to with a suffix this run writes."""
    kinds = {(os.path.dirname(n), os.path.splitext(n)[1]) for n in files}
    found = []
    for sub, suffix in kinds:
        try:
            names = os.listdir(os.path.join(directory, sub) if sub else directory)
        except (FileNotFoundError, NotADirectoryError):
            continue
        found += [f"{sub}/{n}" if sub else n for n in names if n.endswith(suffix) and not n.startswith(".tmp-")]
    return sorted(found)


def read_input(path: str, limit: int = 1 << 20) -> bytes:
    """Read a regular file ('-' = stdin), refusing anything larger than ``limit``. A FIFO or
    a device is refused (it could be read for ever), a directory too."""
    import sys

    if path == "-":
        data = sys.stdin.buffer.read(limit + 1)
    else:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
        with os.fdopen(fd, "rb") as fh:
            mode = os.fstat(fd).st_mode
            if stat.S_ISDIR(mode):
                raise IsADirectoryError(errno.EISDIR, "is a directory", path)
            if not stat.S_ISREG(mode):
                raise ValueError(f"{path} is not a regular file (a FIFO, socket or device is not read)")
            data = fh.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{path} is larger than {limit} bytes")
    return data


def read_text(path: str, what: str) -> tuple[bytes | None, list[P.Problem]]:
    """An input file's bytes (bounded), or why not as a problem naming ``what`` and ``path``."""
    try:
        return read_input(path), []
    except FileNotFoundError:
        return None, [P.error("", f"{what} {path}: no such file")]
    except IsADirectoryError:
        return None, [P.error("", f"{what} {path} is a directory, not a file")]
    except PermissionError:
        return None, [P.error("", f"{what} {path}: permission denied")]
    except (OSError, ValueError) as exc:
        return None, [P.error("", f"{what} {path}: {exc}")]


def load_profile_file(path: str) -> Loaded:
    """The profile at ``path``, loaded (its problems say what is wrong, also a missing file)."""
    from tui.model.load import Loaded, load_text

    data, problems = read_text(path, "profile")
    if data is None:
        return Loaded(None, tuple(problems))
    return load_text(data, f"profile {path}")
