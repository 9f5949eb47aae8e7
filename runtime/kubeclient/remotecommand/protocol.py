"""The Kubernetes channel protocols over WebSocket, without I/O (client-go tools/remotecommand, kubelet port-forward).

Every binary message starts with a channel byte. exec/attach (`v5.channel.k8s.io`, `v4.channel.k8s.io`): stdin 0,
stdout 1, stderr 2, error 3 (a meta/v1 Status, sent once when the command ends), resize 4 (JSON `{"Width", "Height"}`).
v5 adds a close signal: the message `[255, channel]` half-closes that channel (client-go sends it for stdin).
Port-forward (`v4.channel.k8s.io` with `ports=`): port i has data channel 2i and error channel 2i+1, and the server
opens each with the port number as two little-endian bytes.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import msgspec

from kubeclient.errors import PodCompletedError, StatusError, error_from_status

__all__ = [
    "CHANNEL_ERROR",
    "CHANNEL_RESIZE",
    "CHANNEL_STDERR",
    "CHANNEL_STDIN",
    "CHANNEL_STDOUT",
    "CLOSE_SIGNAL",
    "EXEC_PROTOCOLS",
    "PORTFORWARD_PROTOCOLS",
    "V4",
    "V5",
    "ExitStatus",
    "ProtocolNegotiationError",
    "close_message",
    "completed_pod_refusal",
    "decode_exit_status",
    "exec_query",
    "frame",
    "pod_path",
    "portforward_query",
    "resize_message",
    "split_port_prefix",
]

CHANNEL_STDIN, CHANNEL_STDOUT, CHANNEL_STDERR, CHANNEL_ERROR, CHANNEL_RESIZE = 0, 1, 2, 3, 4
CLOSE_SIGNAL = 255
V5 = "v5.channel.k8s.io"
V4 = "v4.channel.k8s.io"
# Most preferred first: the server picks the first one it speaks.
EXEC_PROTOCOLS = (V5, V4)
PORTFORWARD_PROTOCOLS = (V4,)
NON_ZERO_EXIT_REASON = "NonZeroExitCode"
EXIT_CODE_CAUSE = "ExitCode"


class ProtocolNegotiationError(Exception):
    """The server upgraded to WebSocket without agreeing on any channel protocol the client offered."""

    def __init__(self, offered: Sequence[str], answered: str | None, server_message: str = "") -> None:
        self.offered = tuple(offered)
        self.answered = answered
        got = f"{answered!r}" if answered else "none"
        said = f": {server_message}" if server_message else ""
        super().__init__(
            f"the server negotiated no supported streaming protocol (offered {', '.join(offered)}; got {got}){said}"
        )


def pod_path(namespace: str, name: str, subresource: str) -> str:
    for what, value in (("namespace", namespace), ("pod name", name)):
        if not value or value in (".", "..") or "/" in value or "%" in value:
            raise ValueError(f"invalid {what}: {value!r}")
    return f"/api/v1/namespaces/{quote(namespace)}/pods/{quote(name)}/{subresource}"


class _PodStatus(msgspec.Struct, gc=False):
    phase: str = ""


class _PodPhase(msgspec.Struct, gc=False):
    status: _PodStatus = msgspec.field(default_factory=_PodStatus)


# kubectl exec/attach refuse these phases before connecting; a Pending pod is tried (the server answers for it).
COMPLETED_PHASES = frozenset({"Succeeded", "Failed"})


def completed_pod_refusal(pod: bytes, namespace: str, name: str, subresource: str) -> PodCompletedError | None:
    """The error kubectl gives for exec/attach into the pod whose JSON is `pod`, or None when it may be tried."""
    try:
        phase = msgspec.json.decode(pod, type=_PodPhase).status.phase
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None  # not a Pod we can read: leave the verdict to the server, as before the check existed
    return PodCompletedError(namespace, name, phase, subresource) if phase in COMPLETED_PHASES else None


def exec_query(
    command: Sequence[str] | None, *, container: str | None, stdin: bool, stdout: bool, stderr: bool, tty: bool
) -> list[tuple[str, str]]:
    """The query of an exec (with `command`) or attach (without) request, in client-go's order."""
    query: list[tuple[str, str]] = []
    if command is not None:
        if isinstance(command, str):
            raise TypeError("command must be a sequence of arguments, not a string (use ['sh', '-c', '...'])")
        if not command:
            raise ValueError("command must not be empty")
        query += [("command", arg) for arg in command]
    if container:
        query.append(("container", container))
    for key, on in (("stdin", stdin), ("stdout", stdout), ("stderr", stderr and not tty), ("tty", tty)):
        if on:
            query.append((key, "true"))
    return query


def portforward_query(ports: Iterable[int]) -> list[tuple[str, str]]:
    out = []
    for port in ports:
        if not isinstance(port, int) or not 0 < port < 65536:
            raise ValueError(f"invalid port {port!r}: must be an integer in 1..65535")
        out.append(("ports", str(port)))
    if not out:
        raise ValueError("at least one port is required")
    return out


def frame(channel: int, data: bytes) -> bytes:
    return bytes((channel,)) + data


def close_message(channel: int) -> bytes:
    return bytes((CLOSE_SIGNAL, channel))


def resize_message(width: int, height: int) -> bytes:
    return frame(CHANNEL_RESIZE, json.dumps({"Width": int(width), "Height": int(height)}).encode())


def split_port_prefix(data: bytes) -> tuple[int, bytes]:
    """The port number that opens a port-forward channel, and the bytes after it."""
    if len(data) < 2:
        raise ValueError("port-forward channel opened with fewer than 2 bytes")
    (port,) = struct.unpack("<H", data[:2])
    return port, data[2:]


@dataclass(frozen=True)
class ExitStatus:
    """What the error channel said: the exit code, or the error the server reported instead."""

    exit_code: int | None
    error: StatusError | None = None


def decode_exit_status(message: bytes) -> ExitStatus:
    """client-go's errorDecoderV4: Success is exit 0; Failure with reason NonZeroExitCode carries the code in an
    ExitCode cause; any other Failure is an error with the server's message."""
    try:
        status: Any = json.loads(message)
    except ValueError:
        raise ValueError(f"error stream protocol error: not JSON: {message[:200]!r}") from None
    if not isinstance(status, Mapping):
        raise ValueError(f"error stream protocol error: not a Status: {message[:200]!r}")
    if status.get("status") == "Success":
        return ExitStatus(0)
    if status.get("reason") == NON_ZERO_EXIT_REASON:
        for cause in (status.get("details") or {}).get("causes") or ():
            if cause.get("reason") == EXIT_CODE_CAUSE or cause.get("type") == EXIT_CODE_CAUSE:
                try:
                    return ExitStatus(int(cause.get("message", "")))
                except ValueError:
                    raise ValueError(
                        f"error stream protocol error: invalid exit code {cause.get('message')!r}"
                    ) from None
        raise ValueError("error stream protocol error: no ExitCode cause given")
    full = dict(status)
    full.setdefault("kind", "Status")
    full.setdefault("code", 500)
    return ExitStatus(None, error_from_status(full))
