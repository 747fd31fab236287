"""The unattended runner against a hostile or broken world (issue 12, items 1-4): whatever the
server, the URL or the arguments do, the run ends in a JSON report, a FAILED webhook and a
one-line error — never a traceback, never a half-fetched profile applied, never a secret
echoed, and never later than its deadlines. The servers are raw sockets on loopback that
send exactly the bytes under test; the host and cluster are the simulated ones (--demo)."""

from __future__ import annotations

import json
import os
import time

import pytest

from tests.conftest import run_cli
from tests.raw_server import RawServer
from tests.test_runner import GOOD, Loopback

BODY = GOOD.encode()


def send(data: bytes):
    return lambda conn: conn.sendall(data)


def drip(head: bytes, body: bytes, every: float = 0.2):
    def script(conn):
        conn.sendall(head)
        for b in body:
            conn.sendall(bytes([b]))
            time.sleep(every)
    return script


def endless(conn):
    conn.sendall(b"HTTP/1.1 200 OK\r\n\r\n")
    while True:
        conn.sendall(b"x" * 65536)


CUT = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(BODY) + BODY[: len(BODY) - 15]
CHUNKED_CUT = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n" % len(BODY) + BODY[:100]
SERVED = {
    "truncated body": (send(CUT), "cut short"),
    "chunked body cut short": (send(CHUNKED_CUT), "cut short"),
    "garbage status line": (send(b"HELLO THERE\r\n\r\n"), "not HTTP"),
    "70 KB header": (send(b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n"), "over-long"),
    "200 headers": (send(b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(200)) + b"\r\n"),
                    "bad HTTP reply"),
    "endless body": (endless, "larger than"),
    "drips the body": (drip(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(BODY), BODY), "timed out"),
    "drips the headers": (drip(b"", b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 200 + b"\r\n\r\n"), "timed out"),
}


pytestmark = pytest.mark.usefixtures("run_dir")


@pytest.fixture()
def hook():
    server = Loopback()
    yield server
    server.close()


@pytest.fixture()
def web():
    """A loopback web server with a good profile at /p.yaml."""
    server = Loopback()
    server.routes["/p.yaml"] = (200, GOOD, 0)
    yield server
    server.close()


def runner(tmp_path, hook, source, *extra, retry_delay="0.05"):
    report = tmp_path / "report.json"
    t = time.monotonic()
    r = run_cli("--demo", "run", "--profile", source, "--report", str(report), "--webhook", f"{hook.url}/hook",
                "--config-out", str(tmp_path / "harvester.config"), "--retry-delay", retry_delay, *extra)
    r.seconds = time.monotonic() - t
    return r, (json.loads(report.read_text()) if report.exists() else None)


def failed_cleanly(r, rep, hook, tmp_path, expected: str):
    assert r.code == 1, r.err
    assert "Traceback" not in r.err
    assert expected in r.err, r.err
    assert rep is not None and rep["result"] == "FAILED" and rep["exit_code"] == 1
    assert [p["event"] for p in hook.posts] == ["STARTED", "FAILED"]
    assert not (tmp_path / "harvester.config").exists()  # nothing applied


@pytest.mark.parametrize("case", SERVED, ids=list(SERVED))
def test_a_broken_server_fails_the_run_with_a_report(case, tmp_path, hook):
    script, expected = SERVED[case]
    server = RawServer(script)
    try:
        r, rep = runner(tmp_path, hook, f"{server.url}/p.yaml", "--retries", "2", "--timeout", "1")
    finally:
        server.close()
    failed_cleanly(r, rep, hook, tmp_path, expected)
    assert rep["steps"][0]["name"] == "fetch" and rep["steps"][0]["status"] == "failed"
    assert r.err.count("attempt ") == 2 and r.seconds < 6  # two attempts of at most 1 s each


@pytest.mark.parametrize("source,extra,expected", [
    ("http://127.0.0.1:99999/p.yaml", (), "Port out of range"),
    ("http://[::1/x", (), "not a valid URL"),
    ("http://10.0.0.1/h\nshell", (), "control characters"),
    ("gopher://127.0.0.1/p.yaml", (), "unsupported scheme"),
])
def test_a_bad_url_fails_the_run_with_a_report(source, extra, expected, tmp_path, hook):
    r, rep = runner(tmp_path, hook, source, *extra)
    failed_cleanly(r, rep, hook, tmp_path, expected)


@pytest.mark.parametrize("delay", ["-1", "nan", "inf"])
def test_a_bad_retry_delay_fails_the_run_with_a_report(delay, tmp_path, hook):
    r, rep = runner(tmp_path, hook, "http://127.0.0.1:9/p.yaml", retry_delay=delay)
    failed_cleanly(r, rep, hook, tmp_path, "--retry-delay")


def test_an_unwritable_report_still_sends_failed_and_applies_nothing(tmp_path, hook, web):
    (tmp_path / "report-dir").mkdir()
    r = run_cli("--demo", "run", "--profile", f"{web.url}/p.yaml", "--report", str(tmp_path / "report-dir"),
                "--webhook", f"{hook.url}/hook", "--config-out", str(tmp_path / "harvester.config"))
    assert r.code == 1 and "Traceback" not in r.err and "cannot write the report" in r.err
    assert [p["event"] for p in hook.posts] == ["STARTED", "FAILED"]
    assert not (tmp_path / "harvester.config").exists()


def test_an_unexpected_error_still_ends_in_a_report_and_failed(tmp_path, hook, web, monkeypatch):
    import tui.model.validate

    def boom(*a, **k):
        raise RuntimeError("something nobody planned for")

    monkeypatch.setattr(tui.model.validate, "validate", boom)
    r, rep = runner(tmp_path, hook, f"{web.url}/p.yaml")
    failed_cleanly(r, rep, hook, tmp_path, "unexpected RuntimeError: something nobody planned for")


def test_a_dripping_webhook_does_not_stall_the_run(tmp_path, web):
    slow_hook = RawServer(drip(b"", b"HTTP/1.1 204 No Content\r\n\r\n", every=1.0))
    t = time.monotonic()
    try:
        r = run_cli("--demo", "run", "--profile", f"{web.url}/p.yaml", "--webhook", f"{slow_hook.url}/hook",
                    "--timeout", "1", "--no-network", "--no-cluster", "--config-out",
                    str(tmp_path / "harvester.config"))
    finally:
        slow_hook.close()
    assert r.code == 0, r.err
    assert "webhook" in r.err and "timed out" in r.err
    assert time.monotonic() - t < 4  # two posts of at most 1 s each (it dripped 27 s before)


def test_an_endless_webhook_reply_is_bounded(tmp_path, web):
    big_hook = RawServer(endless)
    try:
        r = run_cli("--demo", "run", "--profile", f"{web.url}/p.yaml", "--webhook", f"{big_hook.url}/hook",
                    "--config-out", str(tmp_path / "harvester.config"))
    finally:
        big_hook.close()
    assert r.code == 0, r.err
    assert "larger than" in r.err


def test_a_fifo_as_profile_is_refused_not_read_for_ever(tmp_path, hook):
    fifo = tmp_path / "p.fifo"
    os.mkfifo(fifo)
    r, rep = runner(tmp_path, hook, str(fifo))
    failed_cleanly(r, rep, hook, tmp_path, "not a regular file")
    assert r.seconds < 5


def test_credentials_in_the_url_are_refused_and_never_shown(tmp_path, hook, web):
    r, rep = runner(tmp_path, hook, f"http://admin:S3cretPW@{web.url[7:]}/p.yaml")
    failed_cleanly(r, rep, hook, tmp_path, "user:password in the URL is not supported")
    assert "S3cretPW" not in r.err + r.out + json.dumps(rep) + json.dumps(hook.posts)


@pytest.mark.parametrize("text,expected", [
    ("root:$6$Zq1abc$SECRETHASH:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\nuser:x: 1\n", "is not a profile"),
    ("SECRETHASH daemon user\n", "must be a mapping"),
    ("- SECRETHASH\n- daemon:\n- user:x\n", "must be a mapping"),
], ids=["shadow", "text", "list"])
def test_a_file_that_is_not_a_profile_is_not_echoed(tmp_path, hook, text, expected):
    shadow = tmp_path / "shadow"
    shadow.write_text(text)
    r, rep = runner(tmp_path, hook, str(shadow))
    failed_cleanly(r, rep, hook, tmp_path, expected)
    for leaked in ("SECRETHASH", "daemon:", "user:x"):
        assert leaked not in r.err + json.dumps(rep) + json.dumps(hook.posts)


@pytest.mark.parametrize("body", [b"<html><body>proxy login</body></html>", b"[]"])
def test_an_api_server_answering_html_fails_the_cluster_step_cleanly(tmp_path, hook, web, monkeypatch, body):
    """The runner's cluster step with the real client against a server that is not Kubernetes."""
    import tui.commands.run
    from tests.test_cluster_client import Api, kubeconfig
    from tui.kube.cluster import Cluster

    api = Api(body=body)
    kc = kubeconfig(tmp_path, f"http://127.0.0.1:{api.port}")
    monkeypatch.setattr(tui.commands.run, "_cluster", lambda args, profile: Cluster.connect(kc))
    try:
        r, rep = runner(tmp_path, hook, f"{web.url}/p.yaml", "--no-network")
    finally:
        api.close()
    assert r.code == 1 and "Traceback" not in r.err and "error: cluster:" in r.err, r.err
    assert rep["result"] == "FAILED" and rep["steps"][-1]["name"] == "cluster"
    assert [p["event"] for p in hook.posts] == ["STARTED", "FAILED"]
