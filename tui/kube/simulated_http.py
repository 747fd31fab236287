"""The simulated API server's HTTP side (tui/kube/simulated_api.py): one JSON request in, the
server's answer out, bearer token checked, latency added on request, and how many requests
are served at once counted. Demo and tests only."""

from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlparse

from tui.kube.simulated_admission import ApiError


class Handler(BaseHTTPRequestHandler):
    api = None  # the SimulatedApi this server answers for (set on a subclass per server)
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms stall each

    def log_message(self, *args) -> None:
        pass

    def _do(self) -> None:
        state = self.api.state
        with state.lock:
            state.in_flight += 1
            state.max_in_flight = max(state.max_in_flight, state.in_flight)
        try:
            self._serve()
        finally:
            with state.lock:
                state.in_flight -= 1

    def _serve(self) -> None:
        url = urlparse(self.path)
        if self.api.latency:
            time.sleep(self.api.latency)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
            auth = self.headers.get("Authorization", "")
            if auth == "Bearer bad-token" or (self.api.require_token and not auth):
                raise ApiError(401, "Unauthorized", "Unauthorized")
            code, out = self.api.handle(self.command, url.path, parse_qs(url.query), body,
                                        self.headers.get("Content-Type", ""))
        except ApiError as exc:
            code, out = exc.code, exc.body()
        except ValueError:
            code, out = 400, ApiError(400, "BadRequest", "the request body is not JSON").body()
        data = json.dumps(out).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _do
