"""A raw HTTP server on loopback that sends exactly the bytes under test (the hostile-server
tests of the unattended runner and of the cluster client)."""

from __future__ import annotations

import socket
import ssl
import threading


class RawServer:
    """Answers every connection with ``script(conn)`` after reading the request head; ``tls``
    wraps the connection first; ``eager`` answers without waiting for a head (a TLS hello too)."""

    def __init__(self, script, tls: ssl.SSLContext | None = None, eager: bool = False):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.script, self.tls, self.eager = script, tls, eager
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.closed = False
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while not self.closed:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn):
        try:
            if self.tls:
                conn = self.tls.wrap_socket(conn, server_side=True)
            head = b"\r\n\r\n" if self.eager else b""
            while b"\r\n\r\n" not in head:
                got = conn.recv(4096)
                if not got:
                    return
                head += got
            self.script(conn)
        except OSError:  # ssl.SSLError is one
            pass
        finally:
            conn.close()

    def close(self):
        self.closed = True
        self.sock.close()
