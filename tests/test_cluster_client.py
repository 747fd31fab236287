"""The cluster client against broken or hostile API servers (issue 12, item 19): TLS that
fails, replies that are not JSON or not shaped like Kubernetes', endless bodies, an in-cluster
environment without a service account — each a one-line error and exit 1, never a traceback.
A kubeconfig others can read draws a warning. The servers are raw sockets on loopback."""

from __future__ import annotations

import os
import ssl
import subprocess

import pytest
import yaml

from tests.conftest import run_cli, write
from tests.raw_server import RawServer
from tests.test_cluster import PROFILE

INV = "tests/fixtures/inventories/four-nics.json"


class Api(RawServer):
    """Answers every request with one canned reply (optionally over TLS, optionally endless)."""

    def __init__(self, status=200, ctype="application/json", body=b"{}", tls: ssl.SSLContext | None = None,
                 endless=False, eager=False):
        reply = (b"HTTP/1.1 %d X\r\nContent-Type: %s\r\n" % (status, ctype.encode())
                 + (b"" if endless else b"Content-Length: %d\r\n" % len(body)) + b"Connection: close\r\n\r\n")

        def script(conn):
            conn.sendall(reply + body)
            while endless:
                conn.sendall(b"[" * 65536)

        super().__init__(script, tls=tls, eager=eager)


def kubeconfig(tmp_path, server: str, mode: int = 0o600) -> str:
    path = write(tmp_path, "kubeconfig", yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "c",
        "clusters": [{"name": "c", "cluster": {"server": server}}],
        "users": [{"name": "u", "user": {"token": "t"}}],
        "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u"}}],
    }))
    os.chmod(path, mode)
    return path


def self_signed(tmp_path) -> ssl.SSLContext:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


def cluster(tmp_path, kc, command):
    argv = ["cluster", command] + ([write(tmp_path, "p.yaml", PROFILE), "--inventory",
                                    INV] if command != "nics" else [])
    return run_cli(*argv, "--kubeconfig", kc)


CASES = {
    "html": dict(ctype="text/html", body=b"<html><body>login</body></html>"),
    "html as json": dict(body=b"<html><body>login</body></html>"),
    "a list": dict(body=b"[]"),
    "items without metadata": dict(body=b'{"items": [{"spec": {}}, 5]}'),
    "items not a list": dict(body=b'{"items": {"a": 1}}'),
    "endless": dict(endless=True),
}


@pytest.mark.parametrize("command", ["nics", "plan"])
@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_an_odd_api_server_is_a_clean_error(tmp_path, case, command):
    api = Api(**CASES[case])
    try:
        r = cluster(tmp_path, kubeconfig(tmp_path, f"http://127.0.0.1:{api.port}"), command)
    finally:
        api.close()
    assert r.code == 1, (r.out, r.err)
    errors = [line for line in r.err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith("error: cluster:"), r.err
    assert "Traceback" not in r.err


@pytest.mark.parametrize("how", ["self-signed", "https to plain http"])
def test_tls_failures_are_a_clean_error(tmp_path, how):
    api = Api(tls=self_signed(tmp_path)) if how == "self-signed" else Api(eager=True)
    try:
        r = cluster(tmp_path, kubeconfig(tmp_path, f"https://127.0.0.1:{api.port}"), "nics")
    finally:
        api.close()
    assert r.code == 1 and "error: cluster: TLS" in r.err, r.err
    assert len(r.err.strip().splitlines()) == 1


def test_in_cluster_without_a_service_account_is_a_clean_error(tmp_path, monkeypatch):
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", "6443")
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    import tui.kube.cluster

    monkeypatch.setattr(tui.kube.cluster, "RKE2", str(tmp_path / "no-rke2.yaml"))
    r = run_cli("cluster", "nics")
    assert r.code == 1 and "error: cluster:" in r.err and "service account" in r.err, r.err


def test_a_kubeconfig_others_can_read_draws_a_warning(tmp_path):
    api = Api(body=b'{"items": []}')
    try:
        r = cluster(tmp_path, kubeconfig(tmp_path, f"http://127.0.0.1:{api.port}", 0o644), "nics")
        quiet = cluster(tmp_path, kubeconfig(tmp_path, f"http://127.0.0.1:{api.port}", 0o600), "nics")
    finally:
        api.close()
    assert "warning:" in r.err and "readable by others" in r.err and "chmod 600" in r.err, r.err
    assert "readable by others" not in quiet.err
