"""Writing output files: atomically (temp file + rename in the same directory), mode 0600.

A reader never sees a half-written file, and a failed run leaves what was there before.
"""

from __future__ import annotations

import os
import tempfile


def atomic_write(path: str, content: str | bytes, mode: int = 0o600) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    data = content.encode() if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_tree(directory: str, files: dict[str, str], mode: int = 0o600) -> list[str]:
    """Write several files under ``directory``; all are staged first, then renamed in.

    If staging fails nothing is renamed, so the directory keeps its previous content.
    """
    staged: list[tuple[str, str]] = []
    try:
        for name, content in files.items():
            final = os.path.join(directory, name)
            os.makedirs(os.path.dirname(final), exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=os.path.dirname(final))
            os.fchmod(fd, mode)
            with os.fdopen(fd, "wb") as fh:
                fh.write(content.encode())
                fh.flush()
                os.fsync(fh.fileno())
            staged.append((tmp, final))
    except BaseException:
        for tmp, _ in staged:
            os.unlink(tmp)
        raise
    for tmp, final in staged:
        os.replace(tmp, final)
    return [final for _, final in staged]


def read_input(path: str, limit: int = 1 << 20) -> bytes:
    """Read a file ('-' = stdin), refusing anything larger than ``limit``."""
    import sys

    if path == "-":
        data = sys.stdin.buffer.read(limit + 1)
    else:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{path} is larger than {limit} bytes")
    return data
