"""Watches over a real socket: close() from another thread ends a blocked read at once, and a read timeout
detects a silent (half-open) connection."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator

import pytest

from kubeclient.config import Config
from kubeclient.errors import RequestTimeoutError
from kubeclient.rest import RESTClient


class _SilentAfterOneEvent(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        line = b'{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n'
        self.wfile.write(b"%x\r\n%s\r\n" % (len(line), line))
        self.wfile.flush()
        time.sleep(5)  # then silence, connection left open: what a half-open peer looks like

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def silent_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SilentAfterOneEvent)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_close_from_another_thread_ends_the_iteration(silent_server: str) -> None:
    with RESTClient.for_config(Config(silent_server)) as rc:
        watch = rc.get().resource("pods").param("watch", "true").watch()
        seen: list[str] = []

        def read() -> None:
            seen.extend(event.type for event in watch)
            seen.append("end")

        reader = threading.Thread(target=read)
        reader.start()
        deadline = time.monotonic() + 2
        while not seen and time.monotonic() < deadline:
            time.sleep(0.01)
        watch.close()
        reader.join(2)
        assert not reader.is_alive()
        assert seen == ["ADDED", "end"]


def test_read_timeout_detects_a_silent_watch(silent_server: str) -> None:
    with RESTClient.for_config(Config(silent_server)) as rc:
        watch = rc.get().resource("pods").param("watch", "true").timeout(0.3).watch()
        assert next(watch).type == "ADDED"
        with pytest.raises(
            RequestTimeoutError, match=r"^GET http://.*/api/v1/pods\?watch=true timed out: no answer within 0.3 s$"
        ):
            next(watch)
        assert watch.closed
