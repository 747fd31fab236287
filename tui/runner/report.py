"""The run report: steps with durations and errors, the NICs chosen; and the webhook POST
(STARTED / SUCCEEDED / FAILED), like Harvester's installer webhooks. No secrets: the report
holds no profile content beyond NIC names, and error texts never carry tokens."""

from __future__ import annotations

import json
import socket
import time
from dataclasses import dataclass, field

REPLY_LIMIT = 1 << 16  # a webhook's reply is read (and dropped) up to this size


@dataclass
class Report:
    source: str
    started: float = field(default_factory=time.time)
    steps: list[dict] = field(default_factory=list)
    nics: dict = field(default_factory=dict)
    result: str = "RUNNING"
    exit_code: int | None = None

    def step(self, name: str):
        return _StepRecord(self, name)

    def as_dict(self) -> dict:
        return {"source": self.source, "host": socket.gethostname(), "result": self.result, "exit_code": self.exit_code,
                "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.started)),
                "duration_s": round(time.time() - self.started, 3), "nics": self.nics, "steps": self.steps}


class _StepRecord:
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
    """POST the event; ``timeout`` is the total time for the whole exchange. A webhook
    never decides the run's outcome: every failure is one log line."""
    from tui.runner.fetch import redact
    from tui.runner.http import HttpFailed, request

    body = json.dumps({"event": event, **report.as_dict()}).encode()
    try:
        status, reason, _ = request(url, deadline=time.monotonic() + timeout, limit=REPLY_LIMIT, method="POST",
                                    body=body, headers={"Content-Type": "application/json"})
    except HttpFailed as exc:
        log(f"webhook {redact(url)} ({event}) failed: {exc}")
        return
    except Exception as exc:  # noqa: BLE001 - whatever it is, the run goes on and reports
        log(f"webhook {redact(url)} ({event}) failed: {exc.__class__.__name__}")
        return
    if not 200 <= status <= 299:
        log(f"webhook {redact(url)} ({event}) failed: HTTP {status} {reason[:80]}")
