"""exec, attach and port-forward on the fake API server, with the protocols the real kube-apiserver speaks to
WebSocket clients (`v5.channel.k8s.io`, `v4.channel.k8s.io`; port-forward's `ports=` protocol), framed by wsproto.

A pod made by `FakeAPIServer.create_running_pod` is bound to a node and Running. Commands are never host processes:
the built-ins are the kubelet stub's (`echo`, `cat`, `env`, `sh -c 'exit N'`, `sh -c 'echo X >&2'`, `sleep S`,
`yes-bytes N`, `tty-size`; anything else exits 127), and a test may register its own handler for a pod or container
(`register_exec`). Attach behaves as `cat`. Port-forward connects to the address a test maps a pod port to
(`forward_port`); an unmapped port fails on the error channel as the kubelet's does.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import json
import posixpath
import queue
import socket
import struct
import tarfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO
from urllib.parse import quote, unquote

from wsproto.connection import Connection, ConnectionState, ConnectionType
from wsproto.events import BytesMessage, CloseConnection, Message, Ping
from wsproto.utilities import generate_accept_token

from kubeclient.testing.api import Request, Response
from kubeclient.testing.status import bad_request, forbidden, not_found

__all__ = ["ExecCall", "ExecHandler", "StreamingPods", "builtin_command"]

SUBRESOURCES = frozenset({"exec", "attach", "portforward"})
V5, V4 = "v5.channel.k8s.io", "v4.channel.k8s.io"
EXEC_PROTOCOLS = (V5, V4)
PORTFORWARD_PROTOCOLS = (V4, "")
STDIN, STDOUT, STDERR, ERROR, RESIZE, CLOSE = 0, 1, 2, 3, 4, 255
NODE = "fake-node"
# Headers of one HTTP hop that the fake's own answer sets anew.
_HOP_HEADERS = frozenset(
    {"connection", "content-length", "content-type", "transfer-encoding", "keep-alive", "date", "server"}
)


class PodFiles:
    """A container's filesystem in memory: regular files by absolute path, and directories ("/" always exists)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.files: dict[str, bytes] = {}
        self.dirs: set[str] = {"/"}

    @staticmethod
    def norm(path: str) -> str:
        return posixpath.normpath("/" + path.lstrip("/"))

    def write(self, path: str, data: bytes) -> None:
        path = self.norm(path)
        with self._lock:
            parent = posixpath.dirname(path)
            while parent not in self.dirs:
                self.dirs.add(parent)
                parent = posixpath.dirname(parent)
            self.files[path] = data

    def mkdir(self, path: str) -> None:
        path = self.norm(path)
        with self._lock:
            while path not in self.dirs:
                self.dirs.add(path)
                path = posixpath.dirname(path)

    def read(self, path: str) -> bytes:
        with self._lock:
            return self.files[self.norm(path)]

    def is_dir(self, path: str) -> bool:
        with self._lock:
            return self.norm(path) in self.dirs

    def tree(self, path: str) -> tuple[list[str], list[str]]:
        """(directories, files) at or under `path`, sorted."""
        path = self.norm(path)
        inside = path.rstrip("/") + "/"
        with self._lock:
            dirs = sorted(d for d in self.dirs if d == path or d.startswith(inside))
            files = sorted(f for f in self.files if f == path or f.startswith(inside))
        return dirs, files


@dataclass
class ExecCall:
    """What a handler is given: the command, the container, a TTY flag and size, and the three streams.

    `stdin.read(n)` returns b"" at the end of input; `stdout`/`stderr` are binary writers. The handler returns the
    exit code."""

    command: list[str]
    container: str
    pod: str
    namespace: str
    tty: bool
    stdin: BinaryIO
    stdout: Any
    stderr: Any
    terminal_size: tuple[int, int] = (0, 0)
    resized: threading.Event = field(default_factory=threading.Event)
    # set when the client went away: long-running handlers should stop (the kubelet cancels the command's context)
    done: threading.Event = field(default_factory=threading.Event)
    # the container's in-memory filesystem (ls, test -d, tar)
    files: PodFiles = field(default_factory=PodFiles)


ExecHandler = Callable[[ExecCall], int]


def _tar_create(call: ExecCall, path: str) -> int:
    fs = call.files
    dirs, files = fs.tree(path)
    if not dirs and not files:
        call.stderr.write(f"tar: {path}: Cannot stat: No such file or directory\n".encode())
        return 2
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for d in dirs:
            info = tarfile.TarInfo(d.lstrip("/") or ".")
            info.type, info.mode = tarfile.DIRTYPE, 0o755
            tar.addfile(info)
        for f in files:
            data = fs.read(f)
            info = tarfile.TarInfo(f.lstrip("/"))
            info.size, info.mode = len(data), 0o644
            tar.addfile(info, io.BytesIO(data))
    call.stdout.write(buffer.getvalue())
    return 0


def _tar_extract(call: ExecCall, directory: str) -> int:
    data = call.stdin.read()
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
            for member in tar.getmembers():
                name = posixpath.normpath(member.name.lstrip("/"))
                if name.startswith(".."):
                    call.stderr.write(f"tar: {member.name}: Member name contains '..'\n".encode())
                    return 2
                target = posixpath.join(directory, name)
                if member.isdir():
                    call.files.mkdir(target)
                elif member.isfile():
                    extracted = tar.extractfile(member)
                    assert extracted is not None
                    call.files.write(target, extracted.read())
    except tarfile.TarError as exc:
        call.stderr.write(f"tar: {exc}\n".encode())
        return 2
    return 0


def _tar(call: ExecCall, args: list[str]) -> int:
    """GNU tar's `cf - PATH` and `-xmf - [-C DIR]`, the two forms kubectl cp runs."""
    if args[:2] == ["cf", "-"] and len(args) == 3:
        return _tar_create(call, args[2])
    if args[:2] == ["-xmf", "-"]:
        directory = args[3] if args[2:3] == ["-C"] and len(args) > 3 else "/"
        return _tar_extract(call, directory)
    call.stderr.write(f"tar: unsupported arguments: {' '.join(args)}\n".encode())
    return 2


def builtin_command(call: ExecCall) -> int:
    """The kubelet stub's simulated commands (see ../shared/realcluster/kubelet-streaming-stub.go), and `test -d`,
    `ls` and the two `tar` forms kubectl cp runs, over the container's in-memory filesystem."""
    cmd = call.command
    if not cmd:
        return 127
    name, args = cmd[0], cmd[1:]
    if name == "echo":
        call.stdout.write((" ".join(args) + "\n").encode())
    elif name == "cat":
        while data := call.stdin.read(65536):
            call.stdout.write(data)
    elif name == "env":
        call.stdout.write(f"HOSTNAME={call.pod}\nPOD_NAME={call.pod}\nCONTAINER={call.container}\n".encode())
    elif name == "sleep":
        with contextlib.suppress(ValueError):
            call.done.wait(float("".join(args)))
    elif name == "yes-bytes":
        left = int("".join(args) or 0)
        block = b"y" * 32768
        while left > 0:
            call.stdout.write(block[: min(left, len(block))])
            left -= len(block)
    elif name == "tty-size":
        time.sleep(0.2)
        width, height = call.terminal_size
        call.stdout.write(f"{width}x{height} tty={'true' if call.tty else 'false'}\n".encode())
    elif name == "test" and len(args) == 2 and args[0] == "-d":
        return 0 if call.files.is_dir(args[1]) else 1
    elif name == "ls":
        dirs, files = call.files.tree(args[0] if args else "/")
        root = call.files.norm(args[0] if args else "/")
        names = sorted({p[len(root) :].lstrip("/").split("/")[0] for p in dirs + files} - {""})
        call.stdout.write("".join(f"{n}\n" for n in names or ([posixpath.basename(root)] if files else [])).encode())
        return 0 if dirs or files else 2
    elif name == "tar":
        return _tar(call, args)
    elif name == "sh":
        script = " ".join(args).removeprefix("-c ")
        if script.startswith("exit "):
            return int(script.removeprefix("exit ").strip() or 0)
        if script.startswith("echo ") and script.endswith(">&2"):
            call.stderr.write((script.removeprefix("echo ").removesuffix(">&2").strip() + "\n").encode())
            return 0
        call.stderr.write(f"sh: unsupported script: {script}\n".encode())
        return 2
    else:
        call.stderr.write(f"{name}: command not found\n".encode())
        return 127
    return 0


class _ServerSocket:
    """The server end of one WebSocket: messages in from one thread, messages out (locked) from any."""

    def __init__(self, sock: socket.socket, rfile: Any) -> None:
        self._sock = sock
        self._rfile = rfile
        self._ws = Connection(ConnectionType.SERVER)
        self._lock = threading.Lock()
        self._pending: list[bytes] = []
        self._partial = bytearray()
        self.closed = False

    def send(self, data: bytes) -> bool:
        with self._lock:
            if self.closed or self._ws.state is not ConnectionState.OPEN:
                return False
            try:
                self._sock.sendall(self._ws.send(BytesMessage(data=data)))
            except OSError:
                self.closed = True
                return False
            return True

    def receive(self) -> bytes | None:
        while not self._pending:
            if self.closed:
                return None
            try:
                data = self._rfile.read1(65536)
            except (OSError, ValueError):
                data = b""
            if not data:
                self.closed = True
                return None
            self._ws.receive_data(data)
            for event in self._ws.events():
                if isinstance(event, Message):
                    self._partial += event.data if isinstance(event.data, bytes) else event.data.encode()
                    if event.message_finished:
                        self._pending.append(bytes(self._partial))
                        self._partial.clear()
                elif isinstance(event, Ping):
                    with self._lock, contextlib.suppress(OSError):
                        self._sock.sendall(self._ws.send(event.response()))
                elif isinstance(event, CloseConnection):
                    with self._lock, contextlib.suppress(Exception):
                        if self._ws.state is ConnectionState.REMOTE_CLOSING:
                            self._sock.sendall(self._ws.send(event.response()))
                    self.closed = True
        return self._pending.pop(0)

    def close(self) -> None:
        with self._lock:
            if self._ws.state is ConnectionState.OPEN:
                with contextlib.suppress(Exception):
                    self._sock.sendall(self._ws.send(CloseConnection(code=1000)))
            self.closed = True
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_WR)


class _ChannelWriter:
    def __init__(self, ws: _ServerSocket, channel: int) -> None:
        self._ws, self._channel = ws, channel

    def write(self, data: bytes) -> int:
        view = memoryview(data)
        for start in range(0, len(view), 32768):
            if not self._ws.send(bytes((self._channel,)) + bytes(view[start : start + 32768])):
                raise BrokenPipeError("the client closed the connection")
        return len(data)

    def flush(self) -> None:
        pass


class _StdinReader:
    """Bytes from the client's stdin channel; b"" after the v5 close signal or the connection's end."""

    def __init__(self) -> None:
        self._chunks: queue.Queue[bytes | None] = queue.Queue()
        self._buffer = b""
        self._eof = False

    def feed(self, data: bytes | None) -> None:
        self._chunks.put(data)

    def read(self, n: int = -1) -> bytes:
        """Up to `n` bytes as they arrive; with n < 0 everything up to the end of input."""
        if n < 0:
            parts = []
            while chunk := self.read(65536):
                parts.append(chunk)
            return b"".join(parts)
        if not self._buffer and not self._eof:
            item = self._chunks.get()
            if item is None:
                self._eof = True
            else:
                self._buffer = item
        out, self._buffer = self._buffer[:n], self._buffer[n:]
        return out


def _exit_status(code: int, command: Sequence[str]) -> bytes:
    if code == 0:
        return json.dumps({"metadata": {}, "status": "Success"}).encode()
    return json.dumps(
        {
            "metadata": {},
            "status": "Failure",
            "message": f"command terminated with non-zero exit code: error executing command {list(command)}, "
            f"exit code {code}",
            "reason": "NonZeroExitCode",
            "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]},
        }
    ).encode()


Upgrade = Callable[[socket.socket, Any], None]


class StreamingPods:
    """The fake's kubelet: exec handlers and port-forward targets per pod, and the WebSocket endpoints."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._handlers: dict[tuple[str, str, str | None], ExecHandler] = {}
        self._ports: dict[tuple[str, str, int], tuple[str, int]] = {}
        self._files: dict[tuple[str, str, str], PodFiles] = {}

    def files(self, namespace: str, pod: str, container: str) -> PodFiles:
        """The container's in-memory filesystem (made empty on first use)."""
        with self._lock:
            return self._files.setdefault((namespace, pod, container), PodFiles())

    def register_exec(self, namespace: str, pod: str, handler: ExecHandler, container: str | None = None) -> None:
        with self._lock:
            self._handlers[(namespace, pod, container)] = handler

    def forward_port(self, namespace: str, pod: str, port: int, address: tuple[str, int]) -> None:
        with self._lock:
            self._ports[(namespace, pod, port)] = address

    def _handler(self, namespace: str, pod: str, container: str) -> ExecHandler:
        with self._lock:
            return (
                self._handlers.get((namespace, pod, container))
                or self._handlers.get((namespace, pod, None))
                or builtin_command
            )

    # the endpoint

    def serve(self, req: Request, pod: dict[str, Any], subresource: str, namespace: str, name: str) -> Response:
        """Check the request as kube-apiserver does, then upgrade it (101) and serve the protocol."""
        assert req.user is not None
        if not req.user.allows("create"):
            raise forbidden(req.user.name, "create", "", f"pods/{subresource}", name=name, namespace=namespace)
        spec = pod.get("spec") or {}
        containers = [c.get("name") for c in spec.get("containers") or []]
        if subresource != "portforward":
            container = req.param("container")
            if not container:
                if len(containers) != 1:
                    raise bad_request(
                        f"a container name must be specified for pod {name}, choose one of: [{' '.join(containers)}]"
                    )
                container = containers[0]
            elif container not in containers:
                raise bad_request(f"container {container} is not valid for pod {name}")
        if not spec.get("nodeName"):
            raise bad_request(f"pod {name} does not have a host assigned")
        if subresource == "exec" and not req.query.get("command"):
            raise bad_request("you must specify at least 1 command")
        if (req.header("Upgrade") or "").lower() != "websocket":
            raise bad_request("Upgrade request required")
        offered = [p.strip() for p in (req.header("Sec-WebSocket-Protocol") or "").split(",") if p.strip()]
        supported = PORTFORWARD_PROTOCOLS if subresource == "portforward" else EXEC_PROTOCOLS
        chosen = next((p for p in offered if p in supported), None)
        if chosen is None and not (subresource == "portforward" and not offered):
            # kube-apiserver answers an upgrade it cannot agree on with a bare 403.
            return Response(403, b"", "text/plain", [("Connection", "close")])
        headers = [
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Accept", generate_accept_token((req.header("Sec-WebSocket-Key") or "").encode()).decode()),
        ]
        if chosen:
            headers.append(("Sec-WebSocket-Protocol", chosen))
        if subresource == "portforward":
            ports = self._ports_of(req)
            upgrade: Upgrade = lambda sock, rfile: self._portforward(sock, rfile, namespace, name, ports)  # noqa: E731
        else:
            command = req.query.get("command", []) if subresource == "exec" else ["cat"]
            call = ExecCall(
                command=list(command),
                container=container,
                pod=name,
                namespace=namespace,
                tty=req.param("tty") == "true",
                stdin=_StdinReader(),  # type: ignore[arg-type]
                stdout=None,
                stderr=None,
                files=self.files(namespace, name, container),
            )
            handler = self._handler(namespace, name, container)
            v5 = chosen == V5
            upgrade = lambda sock, rfile: self._exec(sock, rfile, call, handler, v5)  # noqa: E731
        return Response(101, headers=headers, upgrade=upgrade)

    def proxy(self, req: Request, objects: Any, res: Any, namespace: str, target: str) -> Response:
        """pods/services/nodes `{name}[:port]/proxy/{path}` as kube-apiserver answers on a bare control plane: a
        pod port the test mapped with `forward_port` is reached over HTTP; otherwise a pod's address is refused
        ("address not allowed", as for the loopback pod IPs there) and a service has no endpoints."""
        from kubeclient.testing.objects import Ctx
        from kubeclient.testing.status import APIStatus

        assert req.user is not None
        verb = {"GET": "get", "HEAD": "get", "POST": "create", "PUT": "update", "PATCH": "patch"}.get(
            req.method, "delete"
        )
        name, _, port_text = unquote(target).partition(":")  # clients may escape the colon (%3A)
        if not req.user.allows(verb):
            raise forbidden(req.user.name, verb, "", f"{res.plural}/proxy", name=name, namespace=namespace)
        objects.get_live(Ctx(res=res, namespace=namespace, manager=""), name)  # 404 for a missing object
        if res.plural == "services":
            # kube-apiserver resolves a service through its Endpoints: none is "not found", and the fake has no
            # addresses to reach in any.
            endpoints = objects.registry.lookup("", "v1", "endpoints")
            try:
                objects.get_live(Ctx(res=endpoints, namespace=namespace, manager=""), name)
            except APIStatus:
                raise not_found("", "services", name) from None
            raise APIStatus(503, "ServiceUnavailable", f'no endpoints available for service "{name}"')
        if res.plural != "pods":
            raise APIStatus(503, "ServiceUnavailable", f'no route to node "{name}"')
        with self._lock:
            address = (
                self._ports.get((namespace, name, int(port_text or 80)))
                if port_text.isdigit() or not port_text
                else None
            )
        if address is None:
            raise bad_request("address not allowed")
        path = req.path.split("/proxy", 1)[1] or "/"
        query = "&".join(f"{quote(k)}={quote(v)}" for k, values in req.query.items() for v in values)
        connection = http.client.HTTPConnection(*address, timeout=30)
        try:
            headers = {k: v for k, v in req.headers.items() if k not in ("host", "authorization", "connection")}
            connection.request(
                req.method, path + (f"?{query}" if query else ""), body=req.body or None, headers=headers
            )
            answer = connection.getresponse()
            body = answer.read()
            kept = [(k, v) for k, v in answer.getheaders() if k.lower() not in _HOP_HEADERS]
            return Response(answer.status, body, answer.getheader("Content-Type") or "text/plain", kept)
        except OSError as exc:
            raise APIStatus(503, "ServiceUnavailable", f"error trying to reach service: {exc}") from None
        finally:
            connection.close()

    @staticmethod
    def _ports_of(req: Request) -> list[int]:
        ports = []
        for value in req.query.get("ports", []):
            for part in value.split(","):
                try:
                    port = int(part)
                except ValueError:
                    raise bad_request(f'unable to parse "{value}" as a port') from None
                if not 0 < port < 65536:
                    raise bad_request(f'port "{value}" must be > 0')
                ports.append(port)
        if not ports:
            raise bad_request('query parameter "port" is required')
        return ports

    def _exec(self, sock: socket.socket, rfile: Any, call: ExecCall, handler: ExecHandler, v5: bool) -> None:
        ws = _ServerSocket(sock, rfile)
        call.stdout = _ChannelWriter(ws, STDOUT)
        call.stderr = _ChannelWriter(ws, STDOUT if call.tty else STDERR)
        stdin: Any = call.stdin

        def run() -> None:
            try:
                code = handler(call)
            except BrokenPipeError:
                code = 1
            except Exception as exc:  # a test handler's bug: report it on the error channel as the kubelet would
                ws.send(bytes((ERROR,)) + json.dumps({"status": "Failure", "message": str(exc)}).encode())
                ws.close()
                return
            ws.send(bytes((ERROR,)) + _exit_status(code, call.command))
            ws.close()

        runner = threading.Thread(target=run, name="fake-exec", daemon=True)
        runner.start()
        while (message := ws.receive()) is not None:
            if not message:
                continue
            channel, data = message[0], message[1:]
            if channel == STDIN:
                stdin.feed(data)
            elif channel == CLOSE and v5 and data[:1] == bytes((STDIN,)):
                stdin.feed(None)
            elif channel == RESIZE:
                with contextlib.suppress(ValueError, KeyError, TypeError):
                    size = json.loads(data)
                    call.terminal_size = (int(size["Width"]), int(size["Height"]))
                    call.resized.set()
        stdin.feed(None)
        call.done.set()
        runner.join()

    def _portforward(self, sock: socket.socket, rfile: Any, namespace: str, pod: str, ports: list[int]) -> None:
        ws = _ServerSocket(sock, rfile)
        targets: list[socket.socket | None] = []
        for i, port in enumerate(ports):
            prefix = struct.pack("<H", port)
            ws.send(bytes((2 * i,)) + prefix)
            ws.send(bytes((2 * i + 1,)) + prefix)
            with self._lock:
                address = self._ports.get((namespace, pod, port))
            try:
                if address is None:
                    raise ConnectionRefusedError("connection refused")
                target = socket.create_connection(address, timeout=10)
                target.settimeout(None)
            except OSError as exc:
                message = (
                    f"error forwarding port {port} to pod {pod}, uid : failed to connect to localhost:{port}: {exc}"
                )
                ws.send(bytes((2 * i + 1,)) + message.encode())
                targets.append(None)
                continue
            targets.append(target)
            threading.Thread(target=self._pump_out, args=(ws, target, 2 * i), daemon=True).start()
        if not any(targets):
            ws.close()
        while (incoming := ws.receive()) is not None:
            if len(incoming) < 2 or incoming[0] % 2:
                continue
            to = targets[incoming[0] // 2] if incoming[0] // 2 < len(targets) else None
            if to is not None:
                with contextlib.suppress(OSError):
                    to.sendall(incoming[1:])
        for each in targets:
            if each is not None:
                with contextlib.suppress(OSError):
                    each.close()

    @staticmethod
    def _pump_out(ws: _ServerSocket, target: socket.socket, channel: int) -> None:
        try:
            while data := target.recv(65536):
                if not ws.send(bytes((channel,)) + data):
                    break
        except OSError:
            pass
        ws.close()


def running_pod(
    api: Any, namespace: str, name: str, containers: Sequence[str], labels: dict[str, str] | None
) -> dict[str, Any]:
    """Create the fake node (once) and a Pod on it with phase Running and ready containers."""
    from kubeclient.testing.objects import Ctx
    from kubeclient.testing.status import APIStatus

    nodes = api.registry.lookup("", "v1", "nodes")
    pods = api.registry.lookup("", "v1", "pods")
    with contextlib.suppress(APIStatus):
        api.objects.create(Ctx(res=nodes, namespace="", manager="kubelet"), {"metadata": {"name": NODE}})
    ctx = Ctx(res=pods, namespace=namespace, manager="kubeclient-testing")
    pod = {
        "metadata": {"name": name, "labels": dict(labels or {})},
        "spec": {"nodeName": NODE, "containers": [{"name": c, "image": "stub"} for c in containers]},
    }
    created = api.objects.create(ctx, pod)
    created["status"] = {
        "phase": "Running",
        "conditions": [{"type": "Ready", "status": "True"}],
        "containerStatuses": [
            {"name": c, "ready": True, "restartCount": 0, "image": "stub", "imageID": "", "state": {"running": {}}}
            for c in containers
        ],
    }
    result: dict[str, Any] = api.objects.update(ctx, name, created, "status")
    return result
