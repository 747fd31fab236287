"""Fetch a profile from http(s), file:// or a path: bounded retries with backoff, a clear
error per attempt, a size limit. Credentials in a URL never reach the log."""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request

LIMIT = 1 << 20


class FetchFailed(Exception):
    pass


def redact(url: str) -> str:
    """The URL without user:password and without a query (tokens often travel there)."""
    parts = urllib.parse.urlsplit(url)
    if not parts.scheme:
        return url
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))


def fetch(source: str, attempts: int = 5, delay: float = 1.0, timeout: float = 10.0, log=lambda text: None,
          sleep=time.sleep) -> bytes:
    scheme = urllib.parse.urlsplit(source).scheme
    if scheme not in ("http", "https", "file"):
        if scheme and len(scheme) > 1:
            raise FetchFailed(f"{redact(source)}: unsupported scheme {scheme!r} (use http, https, file or a path)")
        from tui.files import read_input

        try:
            return read_input(source, LIMIT)
        except (OSError, ValueError) as exc:
            raise FetchFailed(f"{source}: {getattr(exc, 'strerror', None) or exc}") from exc
    last = ""
    for attempt in range(1, attempts + 1):
        try:
            with urllib.request.urlopen(source, timeout=timeout) as resp:
                data = resp.read(LIMIT + 1)
            if len(data) > LIMIT:
                raise FetchFailed(f"{redact(source)}: larger than {LIMIT} bytes")
            return data
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code} {exc.reason}"
        except urllib.error.URLError as exc:
            last = f"{exc.reason}"
        except (TimeoutError, OSError) as exc:
            last = f"{exc.__class__.__name__}: {exc}" if str(exc) else exc.__class__.__name__
        log(f"fetch {redact(source)}: attempt {attempt}/{attempts} failed: {last}")
        if attempt < attempts:
            sleep(min(delay * 2 ** (attempt - 1), 30.0))
    raise FetchFailed(f"{redact(source)}: gave up after {attempts} attempts (last: {last})")
