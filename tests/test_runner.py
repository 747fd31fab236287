"""The unattended runner against profiles served on loopback: 404, a timeout, a server that
comes up late, an invalid profile, and the report and webhook contents (a local receiver).
The host and the cluster are the simulated ones (--demo); fetch, validation, rendering,
the apply engine, the kubernetes client and the reports are the real code."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
GOOD = (ROOT / "profiles" / "lacp-vlan-jumbo.yaml").read_text()


class Loopback:
    """Serves ``routes`` (path -> (status, body, delay)) and records POSTed JSON."""

    def __init__(self, port: int = 0):
        self.routes: dict[str, tuple[int, str, float]] = {}
        self.posts: list[dict] = []
        outer = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                status, body, delay = outer.routes.get(self.path.split("?")[0], (404, "not found", 0))
                time.sleep(delay)
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except OSError:
                    pass

            def do_POST(self):
                outer.posts.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(204)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", port), H)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def web():
    server = Loopback()
    yield server
    server.close()


pytestmark = pytest.mark.usefixtures("run_dir")


def runner(tmp_path, url, *extra):
    report = tmp_path / "report.json"
    r = run_cli("--demo", "run", "--profile", url, "--report", str(report), "--config-out",
                str(tmp_path / "harvester.config"),
                "--retry-delay", "0.05", *extra)
    return r, (json.loads(report.read_text()) if report.exists() else None)


def test_success_report_webhook_and_no_secrets(web, tmp_path):
    web.routes["/p.yaml"] = (200, GOOD, 0)
    r, rep = runner(tmp_path, f"{web.url}/p.yaml?token=abc", "--webhook", f"{web.url}/hook")
    assert r.code == 0, r.err
    assert rep["result"] == "SUCCEEDED" and rep["exit_code"] == 0
    assert [s["name"] for s in rep["steps"]] == ["fetch", "validate", "config", "network", "cluster"]
    assert all(s["status"] == "ok" and s["duration_s"] >= 0 for s in rep["steps"])
    assert rep["nics"] == {"management": ["ens1f0", "ens1f1"], "vlan": []}
    assert rep["source"] == f"{web.url}/p.yaml"  # the query (tokens travel there) is dropped
    assert [p["event"] for p in web.posts] == ["STARTED", "SUCCEEDED"]
    assert web.posts[1]["steps"] == rep["steps"]
    config = (tmp_path / "harvester.config").read_text()
    assert "vlan_id: 100" in config and oct((tmp_path / "harvester.config").stat().st_mode & 0o777) == "0o600"
    everything = r.err + json.dumps(rep) + json.dumps(web.posts)
    for secret in ("my-cluster-secret", "p@ssword", "abc"):
        assert secret not in everything


def test_404_is_retried_then_fails_clearly(web, tmp_path):
    r, rep = runner(tmp_path, f"{web.url}/missing.yaml", "--retries", "3", "--webhook", f"{web.url}/hook")
    assert r.code == 1
    assert r.err.count("HTTP 404 Not Found") == 4  # three attempts and the summary
    assert "attempt 3/3" in r.err and "Traceback" not in r.err
    assert rep["result"] == "FAILED" and rep["steps"][0]["status"] == "failed"
    assert [p["event"] for p in web.posts] == ["STARTED", "FAILED"]
    assert not (tmp_path / "harvester.config").exists()


def test_timeout_per_attempt(web, tmp_path):
    web.routes["/slow.yaml"] = (200, GOOD, 3)
    t = time.monotonic()
    r, rep = runner(tmp_path, f"{web.url}/slow.yaml", "--retries", "2", "--timeout", "0.5")
    assert r.code == 1 and "timed out" in r.err.lower()
    assert time.monotonic() - t < 3


def test_a_server_that_comes_up_late(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    holder = {}

    def start_later():
        time.sleep(0.6)
        holder["server"] = Loopback(port)
        holder["server"].routes["/p.yaml"] = (200, GOOD, 0)

    threading.Thread(target=start_later, daemon=True).start()
    r, rep = runner(tmp_path, f"http://127.0.0.1:{port}/p.yaml", "--retries", "6", "--retry-delay", "0.2")
    holder["server"].close()
    assert r.code == 0, r.err
    assert "Connection refused" in r.err and rep["result"] == "SUCCEEDED"


def test_an_invalid_profile_changes_nothing(web, tmp_path):
    web.routes["/bad.yaml"] = (200, GOOD.replace("mtu: 9000", "mtu: 90000"), 0)
    r, rep = runner(tmp_path, f"{web.url}/bad.yaml")
    assert r.code == 1
    assert "error: management.mtu:" in r.err and "nothing was changed" in r.err
    assert [s["name"] for s in rep["steps"]] == ["fetch", "validate"]
    assert rep["steps"][1]["problems"][0]["path"] == "management.mtu"
    assert not (tmp_path / "harvester.config").exists()


def test_file_url_and_cluster_side(tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text((ROOT / "profiles" / "vlan-uplink-vm-networks.yaml").read_text().replace("hostname: node1",
                                                                                                "hostname: "
                                                                                                "harvester-node-1"))
    r, rep = runner(tmp_path, profile.as_uri(), "--wait", "10")
    assert r.code == 0, r.err
    cluster = rep["steps"][-1]
    assert cluster["name"] == "cluster" and cluster["changed"] == 6
    assert cluster["nodes"] == {"harvester-node-1": True, "clusternetwork/data": True}


@pytest.mark.parametrize("cmdline,expected", [
    ("quiet harvester.netsetup.profile=http://10.0.0.10/p.yaml", "run http://10.0.0.10/p.yaml"),
    ('harvester.netsetup.profile="file:///oem/p.yaml" harvester.netsetup.disable', "disabled"),
    ("harvester.netsetup.disable=false harvester.netsetup.profile=/oem/p.yaml", "run /oem/p.yaml"),
    ("console=tty1 harvester.install.automatic=true", "wizard"),
])
def test_boot_decision_from_kernel_arguments(cmdline, expected):
    r = run_cli("boot", "--cmdline", cmdline, "--print")
    assert r.code == 0 and r.out.strip() == expected
