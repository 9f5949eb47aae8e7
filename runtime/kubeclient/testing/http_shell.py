"""The HTTP/1.1 shell: a threading HTTP(S) server on loopback that turns requests into `api.Request`s, writes
answers (chunked for watches) and can drop every open connection (for stop, restart and watch faults)."""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kubeclient.testing.api import Request, Response
from kubeclient.testing.auth import Authenticator, User

Handler = Callable[[Request], Response]


class Shell(ThreadingHTTPServer):
    """Serves `handler` on (host, port); TLS handshakes happen in the connection's own thread."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(
        self, address: tuple[str, int], handler: Handler, auth: Authenticator, tls: ssl.SSLContext | None
    ) -> None:
        self.handler = handler
        self.auth = auth
        self.tls = tls
        self._conn_lock = threading.Lock()
        self.connections: set[socket.socket] = set()
        super().__init__(address, _RequestHandler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        if self.tls is not None:
            try:
                request = self.tls.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                with contextlib.suppress(OSError):
                    request.close()
                return
        with self._conn_lock:
            self.connections.add(request)
        try:
            super().finish_request(request, client_address)
        finally:
            with self._conn_lock:
                self.connections.discard(request)
            if self.tls is not None:
                # The TLS socket took over the accepted one; the base class would close only the latter.
                self.shutdown_request(request)

    def drop_connections(self) -> None:
        with self._conn_lock:
            conns = list(self.connections)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                conn.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Client disconnects and dropped connections are part of normal operation here.
        del request, client_address


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes; Nagle would delay the body 40 ms
    server: Shell

    def log_message(self, format: str, *args: Any) -> None:
        del format, args

    def do_GET(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def do_OPTIONS(self) -> None:
        self._serve()  # answered 405 by the API, as kube-apiserver does

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                parts.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(parts)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _user(self) -> tuple[User | None, bool]:
        """(user, credentials_given): bad credentials are 401 even where anonymous access is allowed."""
        authorization = self.headers.get("Authorization")
        if authorization:
            scheme, _, token = authorization.partition(" ")
            user = self.server.auth.by_token(token.strip()) if scheme.lower() == "bearer" else None
            return user, True
        if isinstance(self.connection, ssl.SSLSocket):
            cert = self.connection.getpeercert()
            if cert:
                subject: Any = cert.get("subject", ())
                for rdn in subject:
                    for key, value in rdn:
                        if key == "commonName":
                            return self.server.auth.by_cert_name(str(value)), True
        return None, False

    def _serve(self) -> None:
        split = urlsplit(self.path)
        body = self._read_body()
        user, given = self._user()
        request = Request(
            method=self.command,
            path=split.path,
            query=parse_qs(split.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            user=user,
        )
        if given and user is None:
            from kubeclient.testing.api import status_response
            from kubeclient.testing.status import unauthorized

            response = status_response(unauthorized())
        else:
            response = self.server.handler(request)
        self._write(response)

    def _write(self, response: Response) -> None:
        if response.upgrade is not None:
            self._switch(response)
            return
        self.send_response(response.status)
        self.send_header("Audit-Id", str(uuid.uuid4()))
        self.send_header("Cache-Control", "no-cache, private")
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        for key, value in response.headers:
            self.send_header(key, value)
        if response.chunks is None:
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)
            return
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()
        chunks = response.chunks
        try:
            for chunk in chunks:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (OSError, ValueError):
            self.close_connection = True
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()

    def _switch(self, response: Response) -> None:
        """101 Switching Protocols, then the connection belongs to the new protocol until it ends."""
        assert response.upgrade is not None
        self.send_response(101)
        for key, value in response.headers:
            self.send_header(key, value)
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True
        try:
            response.upgrade(self.connection, self.rfile)
        except (OSError, ValueError):
            pass
