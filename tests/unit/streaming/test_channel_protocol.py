"""The channel protocols without I/O: query building, framing, the error channel's Status, port specs."""

from __future__ import annotations

import json

import pytest

from kubeclient import errors
from kubeclient.cp.tarball import CopyError, PodPath, extract_command, parse_spec, remote_target
from kubeclient.portforward.aio import PortMapping, parse_ports
from kubeclient.remotecommand import protocol as p


def test_exec_query_matches_client_go() -> None:
    query = p.exec_query(["sh", "-c", "echo hi"], container="main", stdin=True, stdout=True, stderr=True, tty=False)
    assert query == [
        ("command", "sh"),
        ("command", "-c"),
        ("command", "echo hi"),
        ("container", "main"),
        ("stdin", "true"),
        ("stdout", "true"),
        ("stderr", "true"),
    ]
    # A TTY merges stderr into stdout: client-go never asks for stderr with tty.
    assert p.exec_query(["x"], container=None, stdin=False, stdout=True, stderr=True, tty=True) == [
        ("command", "x"),
        ("stdout", "true"),
        ("tty", "true"),
    ]
    with pytest.raises(TypeError, match="sequence"):
        p.exec_query("ls -l", container=None, stdin=False, stdout=True, stderr=True, tty=False)
    with pytest.raises(ValueError, match="empty"):
        p.exec_query([], container=None, stdin=False, stdout=True, stderr=True, tty=False)


def test_paths_and_ports_are_checked() -> None:
    assert p.pod_path("ns", "web-0", "exec") == "/api/v1/namespaces/ns/pods/web-0/exec"
    for bad in ("", "..", "a/b", "a%2f"):
        with pytest.raises(ValueError):
            p.pod_path("ns", bad, "exec")
    assert p.portforward_query([80, 443]) == [("ports", "80"), ("ports", "443")]
    with pytest.raises(ValueError):
        p.portforward_query([0])
    assert p.split_port_prefix(b"\x50\x00rest") == (80, b"rest")


def test_frames() -> None:
    assert p.frame(p.CHANNEL_STDIN, b"x") == b"\x00x"
    assert p.close_message(p.CHANNEL_STDIN) == b"\xff\x00"
    assert json.loads(p.resize_message(80, 24)[1:]) == {"Width": 80, "Height": 24}
    assert p.resize_message(80, 24)[0] == p.CHANNEL_RESIZE


def test_exit_status_decoding() -> None:
    assert p.decode_exit_status(b'{"metadata":{},"status":"Success"}') == p.ExitStatus(0)
    nonzero = {
        "status": "Failure",
        "reason": "NonZeroExitCode",
        "message": "command terminated with non-zero exit code: exit code 3",
        "details": {"causes": [{"reason": "ExitCode", "message": "3"}]},
    }
    assert p.decode_exit_status(json.dumps(nonzero).encode()) == p.ExitStatus(3)
    other = p.decode_exit_status(b'{"status":"Failure","message":"container not found (\\"x\\")","code":500}')
    assert other.exit_code is None
    assert isinstance(other.error, errors.StatusError)
    assert other.error.message == 'container not found ("x")'
    with pytest.raises(ValueError, match="no ExitCode cause"):
        p.decode_exit_status(b'{"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[]}}')
    with pytest.raises(ValueError, match="not JSON"):
        p.decode_exit_status(b"garbage")


def test_negotiation_error_names_the_protocols() -> None:
    err = p.ProtocolNegotiationError(p.EXEC_PROTOCOLS, None)
    assert "v5.channel.k8s.io, v4.channel.k8s.io" in str(err)


def test_port_specs_in_kubectl_spelling() -> None:
    assert parse_ports([8080, "8000:80", ":443", "0:53", (9000, 90)]) == [
        PortMapping(8080, 8080),
        PortMapping(8000, 80),
        PortMapping(0, 443),
        PortMapping(0, 53),
        PortMapping(9000, 90),
    ]
    for bad in ("x", "80:", "70000", ":0"):
        with pytest.raises(ValueError, match="port"):
            parse_ports([bad])


def test_cp_specs_and_targets() -> None:
    assert parse_spec("web-0:/etc/x") == PodPath(None, "web-0", "/etc/x")
    assert parse_spec("ns/web-0:rel") == PodPath("ns", "web-0", "rel")
    assert parse_spec("local/file") == "local/file"
    assert parse_spec("C:/windows") == "C:/windows"
    with pytest.raises(CopyError):
        parse_spec("pod:")
    assert remote_target("/data/", "a.txt", True) == "/data/a.txt"
    assert remote_target("/data/b.txt", "a.txt", False) == "/data/b.txt"
    assert extract_command("/data/a.txt") == ["tar", "-xmf", "-", "-C", "/data"]
    assert extract_command("a.txt") == ["tar", "-xmf", "-"]


@pytest.mark.parametrize(
    ("pod", "subresource", "message"),
    [
        (b'{"status":{"phase":"Succeeded"}}', "exec", "cannot exec into a container in a completed pod; "
         "current phase is Succeeded"),
        (b'{"status":{"phase":"Failed"}}', "attach", "cannot attach a container in a completed pod; "
         "current phase is Failed"),
        (b'{"status":{"phase":"Running"}}', "exec", None),
        (b'{"status":{"phase":"Pending"}}', "attach", None),  # kubectl tries a Pending pod it was given by name
        (b'{"status":{"phase":"Unknown"}}', "exec", None),
        (b'{"metadata":{"name":"x"}}', "exec", None),  # no status yet
        (b'{"status":{"phase":7}}', "exec", None),  # not a Pod we can read: the server decides
        (b"<html>", "exec", None),
    ],
)  # fmt: skip
def test_completed_pod_refusal(pod: bytes, subresource: str, message: str | None) -> None:
    refusal = p.completed_pod_refusal(pod, "ns", "web-0", subresource)
    if message is None:
        assert refusal is None
        return
    assert isinstance(refusal, errors.PodCompletedError) and isinstance(refusal, errors.ApiError)
    assert str(refusal) == message
    assert (refusal.namespace, refusal.name, refusal.subresource) == ("ns", "web-0", subresource)
    assert refusal.phase == message.rpartition(" ")[2]
