"""The run report: steps with durations and errors, the NICs chosen; and the webhook POST
(STARTED / SUCCEEDED / FAILED), like Harvester's installer webhooks. No secrets: the report
holds no profile content beyond NIC names, and error texts never carry tokens."""

from __future__ import annotations

import json
import socket
import time
import urllib.request
from dataclasses import dataclass, field


@dataclass
class Report:
    source: str
    started: float = field(default_factory=time.time)
    steps: list[dict] = field(default_factory=list)
    nics: dict = field(default_factory=dict)
    result: str = "RUNNING"
    exit_code: int | None = None

    def step(self, name: str):
        return _Step(self, name)

    def as_dict(self) -> dict:
        return {"source": self.source, "host": socket.gethostname(), "result": self.result, "exit_code": self.exit_code,
                "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.started)),
                "duration_s": round(time.time() - self.started, 3), "nics": self.nics, "steps": self.steps}


class _Step:
    def __init__(self, report: Report, name: str):
        self.report, self.entry = report, {"name": name, "status": "running"}

    def __enter__(self):
        self.t = time.monotonic()
        self.report.steps.append(self.entry)
        return self.entry

    def __exit__(self, kind, exc, tb):
        self.entry["duration_s"] = round(time.monotonic() - self.t, 3)
        if exc is not None:
            self.entry["status"] = "failed"
            self.entry["error"] = str(exc)
        elif self.entry["status"] == "running":
            self.entry["status"] = "ok"
        return False


def post(url: str, event: str, report: Report, log=lambda text: None, timeout: float = 5.0) -> None:
    body = json.dumps({"event": event, **report.as_dict()}).encode()
    req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            resp.read()
    except Exception as exc:  # a webhook never decides the run's outcome
        from tui.runner.fetch import redact

        log(f"webhook {redact(url)} ({event}) failed: {exc}")
