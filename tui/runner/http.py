"""One HTTP(S) exchange under a total deadline, with a bounded body.

urllib's timeout is per socket operation: a server that drips one byte a second keeps a
"10 s" fetch going for ever, and ``read(n)`` returns a short body without a word when the
server closes early. Here a timer shuts the socket down when the deadline passes (whatever
http.client is blocked in: status line, headers, body), every socket operation waits at
most the time left, and a body shorter than its Content-Length (or a chunked body cut
short) is an error. Every failure is an ``HttpFailed`` with a one-line message that never
holds the URL's credentials or query."""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
import urllib.parse

MAX_REDIRECTS = 5
CHUNK = 1 << 16


class HttpFailed(Exception):
    pass


def split(url: str) -> urllib.parse.SplitResult:
    """The URL's parts, or HttpFailed with why it is not a usable http(s) URL."""
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        raise HttpFailed("the URL contains whitespace or control characters")
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError as exc:
        raise HttpFailed(f"not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https"):
        raise HttpFailed(f"unsupported scheme {parts.scheme!r} (use http or https)")
    if not parts.hostname:
        raise HttpFailed("the URL has no host")
    if parts.username is not None or parts.password is not None:
        raise HttpFailed("user:password in the URL is not supported (it would show in logs and /proc/cmdline)")
    return parts


def request(url: str, *, deadline: float, limit: int, method: str = "GET", body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, str, bytes]:
    """(status, reason, body) of one exchange that ends by ``deadline`` (time.monotonic()).
    Redirects (to http/https) are followed; a body over ``limit`` bytes is an error."""
    for _ in range(MAX_REDIRECTS + 1):
        status, reason, location, data = _once(split(url), deadline, limit, method, body, headers or {})
        if status in (301, 302, 303, 307, 308) and location:
            url = urllib.parse.urljoin(url, location)
            if status == 303:
                method, body = "GET", None
            continue
        return status, reason, data
    raise HttpFailed(f"more than {MAX_REDIRECTS} redirects")


def _once(parts, deadline: float, limit: int, method: str, body, headers) -> tuple[int, str, str | None, bytes]:
    left = deadline - time.monotonic()
    if left <= 0:
        raise HttpFailed("timed out")
    port = parts.port
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(parts.hostname, port, timeout=left, context=ssl.create_default_context())
    else:
        conn = http.client.HTTPConnection(parts.hostname, port, timeout=left)
    target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    expired = threading.Event()
    timer = threading.Timer(max(left, 0.0), _cut, (conn, expired))
    timer.daemon = True
    timer.start()
    try:
        conn.request(method, target, body=body, headers={"Connection": "close", **headers})
        resp = conn.getresponse()
        data = _body(resp, deadline, limit)
        return resp.status, resp.reason, resp.getheader("Location"), data
    except HttpFailed:
        raise
    except http.client.IncompleteRead as exc:
        raise HttpFailed(f"the body was cut short ({len(exc.partial)} bytes, {exc.expected} more expected)") from None
    except http.client.LineTooLong:
        raise HttpFailed("the server sent an over-long status or header line") from None
    except http.client.BadStatusLine:
        raise HttpFailed("the server's reply is not HTTP (bad status line)") from None
    except http.client.HTTPException as exc:
        raise HttpFailed(f"bad HTTP reply ({exc.__class__.__name__}: {str(exc)[:120]})") from None
    except ssl.SSLError as exc:
        raise HttpFailed(f"TLS failed: {exc.reason or exc.__class__.__name__}") from None
    except (TimeoutError, socket.timeout):
        raise HttpFailed("timed out") from None
    except OSError as exc:
        if expired.is_set():
            raise HttpFailed("timed out") from None
        raise HttpFailed(exc.strerror or f"{exc.__class__.__name__}: {exc}") from None
    except (ValueError, UnicodeError) as exc:  # e.g. a host http.client cannot encode
        raise HttpFailed(f"not a usable URL ({exc.__class__.__name__})") from None
    finally:
        timer.cancel()
        conn.close()
        if expired.is_set():  # the timer may have fired during a read that then ended "cleanly"
            raise HttpFailed("timed out")


def _cut(conn, expired: threading.Event) -> None:
    expired.set()
    sock = conn.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _body(resp, deadline: float, limit: int) -> bytes:
    declared = resp.getheader("Content-Length")
    chunks, size = [], 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise HttpFailed("timed out")
        if resp.fp is not None and getattr(resp.fp, "raw", None) is not None:
            try:
                resp.fp.raw._sock.settimeout(left)
            except (AttributeError, OSError):
                pass
        chunk = resp.read(min(CHUNK, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise HttpFailed(f"the body is larger than {limit} bytes")
    data = b"".join(chunks)
    if declared is not None and not resp.chunked:
        try:
            expected = int(declared)
        except ValueError:
            raise HttpFailed(f"bad Content-Length {declared[:40]!r}") from None
        if len(data) != expected:
            raise HttpFailed(f"the body was cut short ({len(data)} of {expected} bytes)")
    return data
