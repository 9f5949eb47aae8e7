"""The requests of the typed clients against client-go semantics §1, sync and asyncio: query encoding (omitempty
scalars, explicitly set optionals, repeated dryRun), paths per group and scope, headers, invalid names refused before
anything is sent, watch-list, and list_all falling back to a full list when its continue token expires."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from backends import Backend
from typed_helpers import ACCEPT, Kube, Recorder, Scenario, client_config, of_type, pod, sync_transport

from kubeapi import Clientset
from kubeapi.core.v1.models import ConfigMap, Pod
from kubeapi.meta.v1.models import ObjectMeta
from kubeclient.errors import ExpiredError, TLSError
from kubeclient.rest.request import RequestError

Run = Callable[[Scenario], None]


def test_query_encoding(run: Run) -> None:
    async def scenario(k: Kube) -> None:
        ns = await k.namespace()
        pods = k.cs.core_v1.pods(ns)
        k.recorder.clear()

        # Zero-valued omitempty scalars are not sent; an explicit timeoutSeconds=0 is (and sets no `timeout`).
        await k(pods.list(limit=0, continue_="", label_selector="", timeout_seconds=0))
        assert k.recorder.last().query == (("timeoutSeconds", "0"),)
        await k(pods.list())
        assert k.recorder.last().query == ()
        # ListOptions keys in client-go's order, with resourceVersionMatch.
        await k(pods.list(resource_version="0", resource_version_match="NotOlderThan", limit=2))
        assert k.recorder.last().keys == ["resourceVersion", "resourceVersionMatch", "limit"]

        # dryRun: True, "All" and ["All"] all send dryRun=All; the write verbs send it in the query.
        for dry_run in (True, "All", ["All"]):
            await k(pods.create(pod("dry"), dry_run=dry_run))
            assert k.recorder.last("POST").params("dryRun") == ["All"]
        await k(pods.create(pod("dry"), dry_run=False))
        assert "dryRun" not in k.recorder.last("POST").keys
        await k(pods.patch("dry", {"metadata": {"labels": {"x": "1"}}}, dry_run=True, field_validation="Strict"))
        assert k.recorder.last("PATCH").query == (("dryRun", "All"), ("fieldValidation", "Strict"))

        # delete_collection: ListOptions in the query, DeleteOptions (with dryRun) in the body.
        await k(
            pods.delete_collection(label_selector="app=none", timeout_seconds=9, dry_run=True, grace_period_seconds=5)
        )
        sent = k.recorder.last("DELETE")
        assert sent.query == (("labelSelector", "app=none"), ("timeoutSeconds", "9"), ("timeout", "9s"))
        assert sent.json() == {"gracePeriodSeconds": 5, "dryRun": ["All"]}
        await k(pods.delete("dry"))
        assert k.recorder.last("DELETE").json() == {}  # DeleteOptions always go as a body, empty when unset

    run(scenario)


def test_paths_and_headers(run: Run) -> None:
    async def scenario(k: Kube) -> None:
        ns = await k.namespace()
        k.recorder.clear()
        await k(k.cs.core_v1.config_maps(ns).create(ConfigMap(metadata=ObjectMeta(name="c"), data={"k": "v"})))
        await k(k.cs.core_v1.config_maps(ns).get("c"))
        await k(k.cs.core_v1.config_maps(ns).patch("c", {"data": {"k": "w"}}))
        await k(k.cs.apps_v1.deployments(ns).list())
        await k(k.cs.apps_v1.deployments("").list())
        await k(k.cs.rbac_v1.cluster_roles().list(limit=1))
        await k(k.cs.core_v1.namespaces().get(ns))
        await k.events(k.cs.core_v1.config_maps(ns).watch(timeout_seconds=1), 1)
        await k(k.cs.core_v1.config_maps(ns).delete("c"))
        assert [(s.method, s.path) for s in k.recorder.sent] == [
            ("POST", f"/api/v1/namespaces/{ns}/configmaps"),
            ("GET", f"/api/v1/namespaces/{ns}/configmaps/c"),
            ("PATCH", f"/api/v1/namespaces/{ns}/configmaps/c"),
            ("GET", f"/apis/apps/v1/namespaces/{ns}/deployments"),
            ("GET", "/apis/apps/v1/deployments"),
            ("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles"),
            ("GET", f"/api/v1/namespaces/{ns}"),
            ("GET", f"/api/v1/namespaces/{ns}/configmaps"),
            ("DELETE", f"/api/v1/namespaces/{ns}/configmaps/c"),
        ]
        for sent in k.recorder.sent:
            assert sent.headers["accept"] == ACCEPT, sent
            assert sent.headers["user-agent"].startswith("kubeclient/"), sent
        bodies = {s.method: s.content_type for s in k.recorder.sent if s.method in ("POST", "PATCH", "DELETE")}
        assert bodies == {
            "POST": "application/json",
            "PATCH": "application/merge-patch+json",
            "DELETE": "application/json",
        }
        assert not any(s.body for s in k.recorder.sent if s.method == "GET")

    run(scenario)


def test_patch_types_and_force(run: Run) -> None:
    async def scenario(k: Kube) -> None:
        ns = await k.namespace()
        maps = k.cs.core_v1.config_maps(ns)
        await k(maps.create(ConfigMap(metadata=ObjectMeta(name="c"), data={"k": "v"})))
        cases = [
            ("merge", {"data": {"a": "1"}}, "application/merge-patch+json"),
            ("strategic", {"data": {"b": "2"}}, "application/strategic-merge-patch+json"),
            ("json", [{"op": "add", "path": "/data/c", "value": "3"}], "application/json-patch+json"),
            ("application/merge-patch+json", {"data": {"d": "4"}}, "application/merge-patch+json"),
            (
                "apply",
                {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"e": "5"}},
                "application/apply-patch+yaml",
            ),
        ]
        for patch_type, body, content_type in cases:
            force = True if patch_type == "apply" else None
            manager = "m" if patch_type == "apply" else None
            await k(maps.patch("c", body, patch_type, field_manager=manager, force=force))
            sent = k.recorder.last("PATCH")
            assert sent.content_type == content_type, patch_type
            assert sent.json() == body
            assert sent.param("force") == ("true" if force else None)
        assert (await k(maps.get("c"))).data == {"k": "v", "a": "1", "b": "2", "c": "3", "d": "4", "e": "5"}
        sent_before = len(k.recorder.sent)
        with pytest.raises(RequestError, match="unknown patch type"):
            await k(maps.patch("c", {}, "yaml"))
        assert len(k.recorder.sent) == sent_before

    run(scenario)


def test_invalid_names_are_refused_before_sending(run: Run) -> None:
    async def scenario(k: Kube) -> None:
        pods = k.cs.core_v1.pods("default")
        for name in ("", ".", "..", "a/b", "a%b"):
            with pytest.raises(RequestError):
                await k(pods.get(name))
            with pytest.raises(RequestError):
                await k(pods.delete(name))
        with pytest.raises(RequestError):
            await k(k.cs.core_v1.pods("bad/ns").list())
        # A namespaced client bound to "" lists everywhere but cannot address one object.
        with pytest.raises(ValueError, match="namespaced"):
            await k(k.cs.core_v1.pods("").get("x"))
        with pytest.raises(ValueError, match=r"metadata\.name"):
            await k(pods.update(Pod(metadata=ObjectMeta(labels={"a": "b"}))))
        assert k.recorder.sent == []

    run(scenario)


def test_watch_list_initial_events_and_bookmark(run: Run) -> None:
    async def scenario(k: Kube) -> None:
        ns = await k.namespace()
        pods = k.cs.core_v1.pods(ns)
        for name in ("a", "b"):
            await k(pods.create(pod(name)))
        watch = pods.watch(
            send_initial_events=True,
            allow_watch_bookmarks=True,
            resource_version_match="NotOlderThan",
            timeout_seconds=5,
        )
        events = await k.events(watch, 3)
        assert [(e.type, e.object.metadata.name) for e in events[:2]] == [("ADDED", "a"), ("ADDED", "b")]
        bookmark = events[2]
        assert bookmark.type == "BOOKMARK" and of_type(bookmark.object, Pod)
        assert bookmark.object.metadata.annotations == {"k8s.io/initial-events-end": "true"}
        assert bookmark.object.metadata.resource_version
        assert k.recorder.last("GET").query == (
            ("watch", "true"),
            ("allowWatchBookmarks", "true"),
            ("resourceVersionMatch", "NotOlderThan"),
            ("timeoutSeconds", "5"),
            ("sendInitialEvents", "true"),
            ("timeout", "5s"),
        )
        # sendInitialEvents=false is an explicitly set optional: it is sent.
        quiet = pods.watch(
            send_initial_events=False,
            resource_version=bookmark.object.metadata.resource_version,
            resource_version_match="NotOlderThan",
            timeout_seconds=1,
        )
        assert await k.events(quiet, 1) == []
        assert k.recorder.last("GET").param("sendInitialEvents") == "false"

    run(scenario)


def test_list_all_falls_back_to_a_full_list_when_the_continue_token_expires(run: Run) -> None:
    async def scenario(k: Kube) -> None:
        ns = await k.namespace()
        pods = k.cs.core_v1.pods(ns)
        for i in range(5):
            await k(pods.create(pod(f"p{i}")))
        k.recorder.clear()
        items = pods.list_all(page_size=2)
        first_page = [await k.next(items), await k.next(items)]
        assert [p.metadata.name for p in first_page] == ["p0", "p1"]
        # History moves past the token's resourceVersion: the next page answers 410 Expired.
        await k(pods.create(pod("p5")))
        k.backend.fake_server("compacting history on demand").faults.compact()
        rest = await k.collect(items)
        assert [p.metadata.name for p in rest] == ["p2", "p3", "p4", "p5"]  # no duplicates of the first page
        pages = k.recorder.sent
        assert [(p.param("limit"), p.param("continue") is not None) for p in pages if p.method == "GET"] == [
            ("2", False),
            ("2", True),
            (None, False),
        ]
        # Without a continue token, an expired list is the caller's error.
        with pytest.raises(ExpiredError):
            await k.collect(pods.list_all(resource_version="1", resource_version_match="Exact"))

    run(scenario)


def test_recording_transport_keeps_tls_verification(backend: Backend) -> None:
    """The wrapper verifies the server with the Config's CA; without it the handshake fails."""
    cfg = client_config(backend)
    recorder = Recorder()
    with Clientset.for_config(cfg, transport=sync_transport(cfg, recorder)) as cs:
        default: Any = cs.core_v1.namespaces().get("default")
        assert default.metadata.name == "default" and recorder.only().path == "/api/v1/namespaces/default"
    untrusted = httpx.HTTPTransport()  # system trust store only: the server's throw-away CA is not in it
    with (
        Clientset.for_config(cfg, transport=untrusted) as cs,
        pytest.raises(TLSError, match="certificate did not verify"),
    ):
        cs.core_v1.namespaces().get("default")
