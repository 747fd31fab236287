"""Fetch a profile from http(s), file:// or a path: bounded retries with backoff, a clear
error per attempt, a size limit, one total deadline per attempt and a budget for all of
them (the boot unit gives the runner 30 minutes; the fetch ends long before). Credentials
in a URL are refused and never reach the log."""

from __future__ import annotations

import math
import time
import urllib.parse

from tui.runner.http import HttpFailed, request

LIMIT = 1 << 20
BUDGET = 600.0  # seconds for all attempts of one fetch, back-off included
MAX_DELAY = 30.0


class FetchFailed(Exception):
    pass


def redact(url: str) -> str:
    """The URL without user:password and without a query (tokens often travel there)."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        parts, port = None, None
    if parts is None or not parts.scheme:
        if "@" in url or "?" in url:  # not parseable: keep only what cannot be a secret
            return url.split("?")[0].rsplit("@", 1)[-1]
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if port:
        host += f":{port}"
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))


def check_delay(delay) -> str | None:
    if not isinstance(delay, (int, float)) or not math.isfinite(delay) or not 0 <= delay <= 3600:
        return f"--retry-delay {delay}: give a number of seconds from 0 to 3600"
    return None


def fetch(source: str, attempts: int = 5, delay: float = 1.0, timeout: float = 10.0, log=lambda text: None,
          sleep=time.sleep, budget: float = BUDGET) -> bytes:
    shown = redact(source)
    if attempts < 1 or attempts > 100:
        raise FetchFailed(f"--retries {attempts}: give 1 to 100 attempts")
    if check_delay(delay):
        raise FetchFailed(check_delay(delay))
    try:
        scheme = urllib.parse.urlsplit(source).scheme
    except ValueError as exc:
        raise FetchFailed(f"{shown}: not a valid URL ({exc})") from None
    if scheme == "file":
        return _read_path(urllib.parse.unquote(urllib.parse.urlsplit(source).path), shown)
    if scheme not in ("http", "https"):
        if scheme and len(scheme) > 1:
            raise FetchFailed(f"{shown}: unsupported scheme {scheme!r} (use http, https, file or a path)")
        return _read_path(source, shown)
    try:
        from tui.runner.http import split

        split(source)
    except HttpFailed as exc:
        raise FetchFailed(f"{shown}: {exc}") from None
    end = time.monotonic() + budget
    last = ""
    for attempt in range(1, attempts + 1):
        try:
            status, reason, data = request(source, deadline=time.monotonic() + timeout, limit=LIMIT)
            if 200 <= status <= 299:
                return data
            last = f"HTTP {status} {reason}"
        except HttpFailed as exc:
            last = str(exc)
        log(f"fetch {shown}: attempt {attempt}/{attempts} failed: {last}")
        if attempt < attempts:
            pause = min(delay * 2 ** (attempt - 1), MAX_DELAY)
            if time.monotonic() + pause + timeout > end:
                log(f"fetch {shown}: the {budget:.0f} s budget for fetching is spent")
                break
            sleep(pause)
    raise FetchFailed(f"{shown}: gave up after {attempt} attempts (last: {last})")


def _read_path(path: str, shown: str) -> bytes:
    """A local profile: a regular file only (a FIFO or a device would be read for ever)."""
    import os
    import stat

    from tui.files import read_input

    if path != "-":
        try:
            st = os.stat(path)
        except OSError as exc:
            raise FetchFailed(f"{shown}: {exc.strerror or exc}") from None
        if stat.S_ISDIR(st.st_mode):
            raise FetchFailed(f"{shown} is a directory, not a file")
        if not stat.S_ISREG(st.st_mode):
            raise FetchFailed(f"{shown} is not a regular file (a FIFO, socket or device is not read)")
    try:
        return read_input(path, LIMIT)
    except (OSError, ValueError) as exc:
        raise FetchFailed(f"{shown}: {getattr(exc, 'strerror', None) or exc}") from None
