"""`stream_log` hands out lines, not a transport: iterate it, the connection closes when the loop ends (also on
`break`); bytes and text forms too; sync and asyncio. On the real control plane the logs come from its kubelet stub
(20 lines `log line N of POD/CONTAINER`, follow adds one every 100 ms); the fake has no kubelet (empty logs)."""

from __future__ import annotations

import asyncio

import pytest
from tests.integration.backends import Backend

from kubeapi import AsyncClientset, Clientset
from kubeapi.core.v1 import Container, Pod, PodSpec
from kubeapi.meta.v1 import ObjectMeta
from kubeclient.rest import AsyncStream, Stream


def _running_pod(backend: Backend, cs: Clientset, name: str) -> list[str]:
    """A pod whose log can be read; the lines its log holds."""
    if backend.plane is not None:
        backend.plane.create_running_pod(backend.namespace, name)
        return [f"log line {n} of {name}/main" for n in range(1, 21)]
    spec = PodSpec(containers=[Container(name="main", image="busybox")])
    cs.core_v1.pods(backend.namespace).create(Pod(metadata=ObjectMeta(name=name), spec=spec))
    return []


def test_stream_log_is_an_iterator_of_lines(backend: Backend) -> None:
    with Clientset.for_config(backend.config()) as cs:
        expected = _running_pod(backend, cs, "logger")
        pods = cs.core_v1.pods(backend.namespace)

        stream = pods.stream_log("logger", container="main")
        assert isinstance(stream, Stream) and not stream.closed
        assert [line for line in stream] == expected
        assert stream.closed  # the loop ran to the end: the connection is closed

        assert pods.stream_log("logger").read() == "".join(f"{line}\n" for line in expected).encode()
        assert "".join(pods.stream_log("logger").iter_text()).splitlines() == expected
        with pods.stream_log("logger") as stream:
            assert stream.status_code == 200 and stream.headers["content-type"].startswith("text/plain")
        assert stream.closed


def test_a_followed_log_closes_when_the_loop_is_left(backend: Backend) -> None:
    if backend.plane is None:
        pytest.skip("the fake server has no kubelet: its logs are empty and follow ends at once")
    with Clientset.for_config(backend.config()) as cs:
        _running_pod(backend, cs, "follower")
        stream = cs.core_v1.pods(backend.namespace).stream_log("follower", follow=True, timeout=10)
        seen = []
        for line in stream:
            seen.append(line)
            if len(seen) == 23:  # three past the first 20: these came while following
                break
        assert stream.closed
        assert seen[:20] == [f"log line {n} of follower/main" for n in range(1, 21)]
        assert len(seen) == 23


def test_async_stream_log(backend: Backend) -> None:
    with Clientset.for_config(backend.config()) as cs:
        expected = _running_pod(backend, cs, "alogger")

    async def scenario() -> None:
        async with AsyncClientset.for_config(backend.config()) as acs:
            pods = acs.core_v1.pods(backend.namespace)
            stream = pods.stream_log("alogger")
            assert isinstance(stream, AsyncStream)
            assert [line async for line in stream] == expected
            assert stream.closed
            async with pods.stream_log("alogger", tail_lines=3) as stream:
                assert stream.status_code == 200
                body = await stream.aread()
            assert body.decode().splitlines() == expected[-3:]

    asyncio.run(scenario())
