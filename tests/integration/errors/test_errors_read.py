"""The errors a person reads: transport failures and answers that do not fit the model are one-line kubeclient
errors naming the server, the request, the resource and the JSON path — on the fake server and the real one."""

from __future__ import annotations

import dataclasses
import logging
import socket
import time
from typing import Any

import msgspec
import pytest
from tests.integration.backends import Backend

from kubeapi import Clientset
from kubeapi.core.v1 import ConfigMap
from kubeapi.meta.v1 import ObjectMeta
from kubeclient.cache.informer import SharedIndexInformer
from kubeclient.cache.listwatch import ResourceListWatch
from kubeclient.config import Config
from kubeclient.errors import (
    ApiError,
    CannotConnectError,
    RequestTimeoutError,
    ResponseDecodeError,
    TLSError,
)
from kubeclient.resource import ResourceClient
from kubeclient.resource_plan import ModelCodec, ResourceInfo
from kubeclient.rest import RESTClient
from kubeclient.watch import WatchDecodeError


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_closed_port_is_one_line_naming_the_server() -> None:
    port = _closed_port()
    cfg = Config(host=f"https://127.0.0.1:{port}")
    with Clientset.for_config(cfg) as cs, pytest.raises(CannotConnectError) as info:
        cs.core_v1.config_maps("default").get("x")
    assert str(info.value) == f"cannot connect to https://127.0.0.1:{port}: connection refused"
    assert info.value.__suppress_context__ and info.value.__cause__ is None
    assert info.value.cause is not None  # the httpx error stays reachable


def test_an_unknown_host_says_it_did_not_resolve() -> None:
    expected = r"^cannot connect to https://no-such-host\.invalid:6443: the host name did not resolve"
    cfg = Config(host="https://no-such-host.invalid:6443")
    with Clientset.for_config(cfg) as cs, pytest.raises(CannotConnectError, match=expected):
        cs.core_v1.config_maps("default").list()


def test_a_certificate_that_does_not_verify_names_the_server(backend: Backend) -> None:
    cfg = dataclasses.replace(backend.config(), ca_data=None, ca_file=None)
    with Clientset.for_config(cfg) as cs, pytest.raises(TLSError) as info:
        cs.core_v1.config_maps(backend.namespace).list()
    assert str(info.value).startswith(
        f"TLS handshake with {backend.url} failed: the server's certificate did not verify"
    )
    assert isinstance(info.value, ApiError)


def test_a_timeout_names_the_request(backend: Backend) -> None:
    fake = backend.fake_server("a slow answer is injected")
    cfg = dataclasses.replace(backend.config(), timeout=0.3)
    fake.faults.add_latency(2.0)
    try:
        with Clientset.for_config(cfg) as cs, pytest.raises(RequestTimeoutError) as info:
            cs.core_v1.config_maps("default").get("slow")
    finally:
        fake.faults.clear()
    assert str(info.value) == (
        f"GET {backend.url}/api/v1/namespaces/default/configmaps/slow timed out: no answer within 0.3 s"
    )


class _Meta(msgspec.Struct, rename="camel"):
    name: str | None = None  # a BOOKMARK's object has none
    namespace: str | None = None
    resource_version: str | None = None
    annotations: dict[str, str] | None = None  # the watch-list's end bookmark is marked here


class StrictConfigMap(msgspec.Struct):
    """A model stricter than the server: no data values allowed (stands for a CRD schema that changed)."""

    metadata: _Meta
    data: dict[str, int] = {}  # a ConfigMap's values are strings: any value fails


class StrictConfigMapList(msgspec.Struct):
    items: list[StrictConfigMap]
    metadata: dict[str, Any] = {}


INFO = ResourceInfo("", "v1", "configmaps", "ConfigMap", True)


def _strict(cs: Clientset, namespace: str) -> ResourceClient[Any, Any]:
    rest: RESTClient = cs.rest
    return ResourceClient(
        rest, INFO, namespace=namespace, codec=ModelCodec(StrictConfigMap), list_codec=ModelCodec(StrictConfigMapList)
    )


def _seed(cs: Clientset, namespace: str, **objects: dict[str, str]) -> None:
    for name, data in objects.items():
        cs.core_v1.config_maps(namespace).create(ConfigMap(metadata=ObjectMeta(name=name), data=data))


def test_an_answer_that_does_not_fit_names_resource_verb_and_path(backend: Backend) -> None:
    ns = backend.namespace
    with Clientset.for_config(backend.config()) as cs:
        _seed(cs, ns, **{"d-good": {"n": "1"}, "d-bad": {"n": "one"}})
        strict = _strict(cs, ns)
        with pytest.raises(ResponseDecodeError) as info:
            strict.get("d-bad")
        err = info.value
        assert str(err) == (
            f"cannot decode the answer to get configmaps 'd-bad' in namespace \"{ns}\" "
            f"(GET /api/v1/namespaces/{ns}/configmaps/d-bad) as StrictConfigMap: "
            "Expected `int`, got `str` at $.data.n"
        )
        assert (err.resource, err.method, err.json_path) == ("configmaps", "GET", "$.data.n")
        assert not isinstance(err, msgspec.ValidationError)
        with pytest.raises(ResponseDecodeError, match=r"to list configmaps .* at \$\.items\[\d\]\.data\.n$"):
            strict.list()
        with pytest.raises(ResponseDecodeError, match=r"to list configmaps"):
            list(strict.list_all())


def test_an_informer_keeps_the_items_that_decode(backend: Backend, caplog: pytest.LogCaptureFixture) -> None:
    ns = backend.namespace
    caplog.set_level(logging.ERROR, logger="kubeclient.cache")
    with Clientset.for_config(backend.config()) as cs:
        _seed(cs, ns, **{"i-one": {}, "i-bad": {"n": "one"}, "i-two": {}})
        for use_watch_list in (True, False):  # initial state from a watch-list stream, then from a paged list
            caplog.clear()
            informer = SharedIndexInformer(ResourceListWatch(_strict(cs, ns)), use_watch_list=use_watch_list)
            informer.start()
            try:
                deadline = time.monotonic() + 20
                while not informer.has_synced() and time.monotonic() < deadline:
                    time.sleep(0.05)
                assert informer.has_synced()
                expected = [f"{ns}/i-one", f"{ns}/i-two"]
                assert sorted(informer.get_store().list_keys()) == sorted(expected)
                # The rest stays in sync: a later object arrives, the bad one is reported once per version.
                if use_watch_list:
                    _seed(cs, ns, **{"i-three": {}})
                    while f"{ns}/i-three" not in informer.get_store().list_keys() and time.monotonic() < deadline:
                        time.sleep(0.05)
                    assert f"{ns}/i-three" in informer.get_store().list_keys()
                    # A cached object that turns undecodable keeps its last good version; its deletion (an event
                    # whose object does not decode either) still removes it.
                    cms = cs.core_v1.config_maps(ns)
                    cms.patch("i-three", {"data": {"n": "three"}})
                    cms.delete("i-three")
                    while f"{ns}/i-three" in informer.get_store().list_keys() and time.monotonic() < deadline:
                        time.sleep(0.05)
                    assert f"{ns}/i-three" not in informer.get_store().list_keys()
            finally:
                informer.stop(5)
            bad = [r for r in caplog.records if f"{ns}/i-bad" in r.getMessage()]
            assert len(bad) == 1, [r.getMessage() for r in caplog.records]
            if use_watch_list:  # the modification and the deletion of i-three: two versions, one line each
                assert len([r for r in caplog.records if f"{ns}/i-three" in r.getMessage()]) == 2
            assert "configmaps" in bad[0].getMessage() and "does not fit StrictConfigMap" in bad[0].getMessage()


def test_a_watch_event_that_does_not_fit_names_the_watch(backend: Backend) -> None:
    ns = backend.namespace
    with Clientset.for_config(backend.config()) as cs:
        _seed(cs, ns, **{"w-bad": {"n": "one"}})
        with pytest.raises(WatchDecodeError) as info:
            for _ in _strict(cs, ns).watch(timeout_seconds=5):
                pass
    message = str(info.value)
    assert message.startswith(
        f'cannot decode the object of a ADDED event: cannot decode the answer to watch configmaps in namespace "{ns}"'
    )
    assert message.endswith("as StrictConfigMap: Expected `int`, got `str` at $.data.n")
