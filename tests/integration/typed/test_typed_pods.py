"""core/v1 Pod through the typed clients, sync and asyncio: every verb and every subresource the client exposes,
with the request each call puts on the wire (client-go semantics §1)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from typed_helpers import ACCEPT, Kube, Scenario, of_type, pod

from kubeapi.core.v1 import applyconfigs as ac
from kubeapi.core.v1.models import (
    Binding,
    EphemeralContainer,
    ObjectReference,
    Pod,
    PodList,
    PodStatus,
    ResourceRequirements,
)
from kubeapi.meta.v1 import applyconfigs as meta_ac
from kubeapi.meta.v1.models import DeleteOptions, ObjectMeta, Status
from kubeapi.policy.v1.models import Eviction
from kubeclient.errors import ConflictError, InvalidError, NotFoundError

Run = Callable[[Scenario], None]


def test_create_get_list_update(run: Run) -> None:
    async def scenario(k: Kube) -> None:
        ns = await k.namespace()
        pods = k.cs.core_v1.pods(ns)
        k.recorder.clear()

        created = await k(pods.create(pod("web"), field_manager="typed-test", field_validation="Strict"))
        assert of_type(created, Pod)
        assert created.metadata.name == "web" and created.metadata.namespace == ns and created.metadata.uid
        sent = k.recorder.only()
        assert (sent.method, sent.path) == ("POST", f"/api/v1/namespaces/{ns}/pods")
        assert sent.query == (("fieldManager", "typed-test"), ("fieldValidation", "Strict"))
        assert sent.content_type == "application/json" and sent.headers["accept"] == ACCEPT
        body = sent.json()
        assert (body["apiVersion"], body["kind"], body["metadata"]["name"]) == ("v1", "Pod", "web")

        got = await k(pods.get("web"))
        assert of_type(got, Pod) and got.metadata.uid == created.metadata.uid
        assert k.recorder.last().path == f"/api/v1/namespaces/{ns}/pods/web" and k.recorder.last().query == ()
        await k(pods.get("web", resource_version="0"))
        assert k.recorder.last().query == (("resourceVersion", "0"),)

        await k(pods.create(pod("db", labels={"app": "db"})))
        listed = await k(pods.list(label_selector="app=typed", field_selector="metadata.name=web", limit=5))
        assert of_type(listed, PodList)
        assert [p.metadata.name for p in listed.items] == ["web"] and all(of_type(p, Pod) for p in listed.items)
        sent = k.recorder.last()
        assert (sent.method, sent.path) == ("GET", f"/api/v1/namespaces/{ns}/pods")
        assert sent.query == (("labelSelector", "app=typed"), ("fieldSelector", "metadata.name=web"), ("limit", "5"))
        # timeoutSeconds goes along as the server-side `timeout` too (client-go's Timeout()).
        await k(pods.list(timeout_seconds=7))
        assert k.recorder.last().query == (("timeoutSeconds", "7"), ("timeout", "7s"))

        # list across namespaces: a namespaced client bound to "" writes no namespace segment.
        everywhere = await k(k.cs.core_v1.pods("").list(label_selector="app=db"))
        # (on the real control plane other tests' namespaces may hold pods labelled so too)
        found = [(p.metadata.namespace, p.metadata.name) for p in everywhere.items]
        assert (ns, "db") in found and all(p.metadata.labels == {"app": "db"} for p in everywhere.items)
        assert k.recorder.last().path == "/api/v1/pods"

        got.metadata.labels = {"app": "typed", "tier": "front"}
        updated = await k(pods.update(got, field_manager="typed-test", dry_run=True))
        assert updated.metadata.labels["tier"] == "front"
        assert k.recorder.last().query == (("dryRun", "All"), ("fieldManager", "typed-test"))
        assert "tier" not in (await k(pods.get("web"))).metadata.labels  # dry run: nothing stored
        updated = await k(pods.update(got))
        sent = k.recorder.last("PUT")
        assert (sent.path, sent.query) == (f"/api/v1/namespaces/{ns}/pods/web", ())
        assert of_type(updated, Pod) and updated.metadata.labels["tier"] == "front"
        assert int(updated.metadata.resource_version) > int(got.metadata.resource_version)
        with pytest.raises(ConflictError) as stale:
            await k(pods.update(got))  # got carries the old resourceVersion
        assert stale.value.code == 409

        updated.status = PodStatus(phase="Running", message="typed")
        updated.spec.containers[0].image = "nginx:ignored-by-status"
        running = await k(pods.update_status(updated, field_manager="kubelet-ish"))
        sent = k.recorder.last("PUT")
        assert (sent.path, sent.query) == (
            f"/api/v1/namespaces/{ns}/pods/web/status",
            (("fieldManager", "kubelet-ish"),),
        )
        assert running.status.phase == "Running" and running.status.message == "typed"
        assert running.spec.containers[0].image == "nginx:1.27"  # the status endpoint leaves the spec alone

        with pytest.raises(NotFoundError):
            await k(pods.get("missing"))

    run(scenario)


def test_patch_merge_json_strategic_and_status(run: Run) -> None:
    async def scenario(k: Kube) -> None:
        ns = await k.namespace()
        pods = k.cs.core_v1.pods(ns)
        await k(pods.create(pod("web")))

        merged = await k(pods.patch("web", {"metadata": {"labels": {"merge": "yes"}}}, field_manager="m"))
        assert of_type(merged, Pod) and merged.metadata.labels == {"app": "typed", "merge": "yes"}
        sent = k.recorder.last("PATCH")
        assert sent.path == f"/api/v1/namespaces/{ns}/pods/web"
        assert sent.content_type == "application/merge-patch+json" and sent.query == (("fieldManager", "m"),)
        assert sent.headers["accept"] == ACCEPT and "force" not in sent.keys  # force is for apply only

        ops = [{"op": "add", "path": "/metadata/annotations", "value": {"json": "patch"}}]
        patched = await k(pods.patch("web", ops, "json"))
        assert patched.metadata.annotations == {"json": "patch"}
        assert k.recorder.last("PATCH").content_type == "application/json-patch+json"
        assert k.recorder.last("PATCH").json() == ops

        # Strategic merge: containers merge by name, so the image changes and the container list keeps one item.
        strategic = {"spec": {"containers": [{"name": "app", "image": "nginx:1.28"}]}}
        patched = await k(pods.patch("web", strategic, "strategic"))
        assert [(c.name, c.image) for c in patched.spec.containers] == [("app", "nginx:1.28")]
        assert patched.spec.containers[0].resources.requests == {"cpu": "100m"}
        assert k.recorder.last("PATCH").content_type == "application/strategic-merge-patch+json"

        on_status = await k(pods.patch("web", {"status": {"phase": "Running"}}, subresource="status"))
        assert on_status.status.phase == "Running"
        assert k.recorder.last("PATCH").path == f"/api/v1/namespaces/{ns}/pods/web/status"

        # A bad JSON patch is the server's 422, typed.
        with pytest.raises(InvalidError):
            await k(pods.patch("web", [{"op": "test", "path": "/metadata/name", "value": "other"}], "json"))

    run(scenario)


def test_apply_and_apply_status(run: Run) -> None:
    async def scenario(k: Kube) -> None:
        ns = await k.namespace()
        pods = k.cs.core_v1.pods(ns)
        config = (
            ac.Pod("applied", ns)
            .with_metadata(meta_ac.ObjectMetaApplyConfiguration(name="applied", namespace=ns).with_labels({"a": "1"}))
            .with_spec(
                ac.PodSpecApplyConfiguration().with_containers(
                    ac.ContainerApplyConfiguration().with_name("app").with_image("nginx:1.27")
                )
            )
        )
        applied = await k(pods.apply(config, field_manager="applier"))
        assert of_type(applied, Pod) and applied.metadata.labels == {"a": "1"}
        sent = k.recorder.last("PATCH")
        assert sent.path == f"/api/v1/namespaces/{ns}/pods/applied"
        assert sent.content_type == "application/apply-patch+yaml"
        assert sent.query == (("force", "false"), ("fieldManager", "applier"))
        assert sent.json() == {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"labels": {"a": "1"}, "name": "applied", "namespace": ns},
            "spec": {"containers": [{"image": "nginx:1.27", "name": "app"}]},
        }
        managers = {(m.manager, m.operation) for m in applied.metadata.managed_fields}
        assert ("applier", "Apply") in managers

        status = ac.Pod("applied", ns).with_status(ac.PodStatusApplyConfiguration().with_phase("Running"))
        after = await k(pods.apply_status(status, field_manager="status-applier", force=True))
        sent = k.recorder.last("PATCH")
        assert sent.path == f"/api/v1/namespaces/{ns}/pods/applied/status"
        assert sent.query == (("force", "true"), ("fieldManager", "status-applier"))
        assert after.status.phase == "Running" and after.metadata.labels == {"a": "1"}
        entry = next(m for m in after.metadata.managed_fields if m.manager == "status-applier")
        assert (entry.operation, entry.subresource) == ("Apply", "status")

        with pytest.raises(ValueError, match="field_manager"):
            await k(pods.apply(config, field_manager=""))

    run(scenario)


def test_binding_and_eviction(run: Run) -> None:
    async def scenario(k: Kube) -> None:
        ns = await k.namespace()
        pods = k.cs.core_v1.pods(ns)
        await k(pods.create(pod("bound")))

        binding = Binding(metadata=ObjectMeta(name="bound"), target=ObjectReference(kind="Node", name="node-1"))
        await k(pods.create_binding("bound", binding, field_manager="scheduler"))
        sent = k.recorder.last("POST")
        assert sent.path == f"/api/v1/namespaces/{ns}/pods/bound/binding"
        assert sent.query == (("fieldManager", "scheduler"),)
        assert sent.json()["target"] == {"kind": "Node", "name": "node-1"}
        assert (await k(pods.get("bound"))).spec.node_name == "node-1"
        with pytest.raises(ConflictError):
            await k(pods.create_binding("bound", binding))  # already assigned

        eviction = Eviction(metadata=ObjectMeta(name="bound"), delete_options=DeleteOptions(grace_period_seconds=0))
        await k(pods.create_eviction("bound", eviction))
        sent = k.recorder.last("POST")
        assert sent.path == f"/api/v1/namespaces/{ns}/pods/bound/eviction"
        assert sent.json()["apiVersion"] == "policy/v1" and sent.json()["kind"] == "Eviction"
        with pytest.raises(NotFoundError):
            await k(pods.get("bound"))

    run(scenario)


def test_binding_and_eviction_answer_a_status(run: Run) -> None:
    async def scenario(k: Kube) -> None:
        ns = await k.namespace()
        pods = k.cs.core_v1.pods(ns)
        await k(pods.create(pod("p")))
        target = ObjectReference(kind="Node", name="node-1")
        bound = await k(pods.create_binding("p", Binding(metadata=ObjectMeta(name="p"), target=target)))
        assert of_type(bound, Status) and bound.status == "Success"
        evicted = await k(pods.create_eviction("p", Eviction(metadata=ObjectMeta(name="p"))))
        assert of_type(evicted, Status) and evicted.status == "Success"

    run(scenario)


def test_ephemeral_containers_and_resize(run: Run) -> None:
    async def scenario(k: Kube) -> None:
        ns = await k.namespace()
        pods = k.cs.core_v1.pods(ns)
        await k(pods.create(pod("debug")))

        current = await k(pods.get_ephemeral_containers("debug"))
        assert of_type(current, Pod) and not current.spec.ephemeral_containers
        assert k.recorder.last("GET").path == f"/api/v1/namespaces/{ns}/pods/debug/ephemeralcontainers"
        current.spec.ephemeral_containers = [EphemeralContainer(name="dbg", image="busybox:1.36")]
        current.metadata.labels = {"ignored": "by-subresource"}
        with_debug = await k(pods.update_ephemeral_containers("debug", current, field_manager="kubectl-debug"))
        sent = k.recorder.last("PUT")
        assert (sent.path, sent.query) == (
            f"/api/v1/namespaces/{ns}/pods/debug/ephemeralcontainers",
            (("fieldManager", "kubectl-debug"),),
        )
        assert [c.name for c in with_debug.spec.ephemeral_containers] == ["dbg"]
        assert with_debug.metadata.labels == {"app": "typed"}  # only ephemeral containers change here
        more = {
            "spec": {
                "ephemeralContainers": [
                    {"name": "dbg", "image": "busybox:1.36"},
                    {"name": "dbg2", "image": "busybox:1.36"},
                ]
            }
        }
        patched = await k(pods.patch_ephemeral_containers("debug", more, "strategic"))
        assert [c.name for c in patched.spec.ephemeral_containers] == ["dbg", "dbg2"]
        assert k.recorder.last("PATCH").content_type == "application/strategic-merge-patch+json"

        sized = await k(pods.get_resize("debug"))
        assert k.recorder.last("GET").path == f"/api/v1/namespaces/{ns}/pods/debug/resize"
        sized.spec.containers[0].resources = ResourceRequirements(requests={"cpu": "200m"})
        sized.spec.containers[0].image = "nginx:ignored-by-resize"
        resized = await k(pods.update_resize("debug", sized))
        assert k.recorder.last("PUT").path == f"/api/v1/namespaces/{ns}/pods/debug/resize"
        assert resized.spec.containers[0].resources.requests == {"cpu": "200m"}
        assert resized.spec.containers[0].image == "nginx:1.27"  # only resources change through resize
        patch = {"spec": {"containers": [{"name": "app", "resources": {"requests": {"cpu": "300m"}}}]}}
        resized = await k(pods.patch_resize("debug", patch, "strategic"))
        assert resized.spec.containers[0].resources.requests == {"cpu": "300m"}
        assert (await k(pods.get("debug"))).spec.containers[0].resources.requests == {"cpu": "300m"}

    run(scenario)


def test_log_as_text_and_stream(run: Run) -> None:
    async def scenario(k: Kube) -> None:
        ns = await k.namespace()
        pods = k.cs.core_v1.pods(ns)
        if k.backend.plane is not None:
            # The kubelet stub serves the log of a pod bound to its Node: 20 lines "log line N of POD/CONTAINER".
            k.backend.plane.create_running_pod(ns, "logger", ["app"])
        else:
            await k(pods.create(pod("logger")))

        text = await k(pods.get_log("logger", container="app", tail_lines=10, timestamps=True))
        assert of_type(text, str)
        if k.backend.is_real:
            lines = text.splitlines()
            assert len(lines) == 10 and lines[-1].endswith(" log line 20 of logger/app")
        else:
            assert text == ""  # the fake has no kubelet: the log is empty
        sent = k.recorder.last("GET")
        assert sent.path == f"/api/v1/namespaces/{ns}/pods/logger/log"
        assert sent.query == (("container", "app"), ("tailLines", "10"), ("timestamps", "true"))

        async with k.stream(pods.stream_log("logger", follow=True, limit_bytes=100, timeout=5)) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/plain")
            # limitBytes is the kubelet's to honour; the stub's followed log never ends, so read a little.
            head = await k.read_some(response, 40)
            assert head.startswith(b"log line 1 of logger/app") if k.backend.is_real else head == b""

        sent = k.recorder.last("GET")
        assert sent.path == f"/api/v1/namespaces/{ns}/pods/logger/log"
        assert sent.query == (("follow", "true"), ("limitBytes", "100"))

        with pytest.raises(NotFoundError):
            await k(pods.get_log("nobody"))

    run(scenario)


def test_watch_events_are_typed(run: Run) -> None:
    async def scenario(k: Kube) -> None:
        ns = await k.namespace()
        pods = k.cs.core_v1.pods(ns)
        first = await k(pods.create(pod("w1")))
        start = first.metadata.resource_version
        await k(pods.create(pod("w2")))
        await k(pods.patch("w1", {"metadata": {"labels": {"x": "y"}}}))
        await k(pods.delete("w2", grace_period_seconds=0))

        watch = pods.watch(resource_version=start, allow_watch_bookmarks=True, timeout_seconds=5)
        events = await k.events(watch, 4)
        # A pod is deleted gracefully: marked first (MODIFIED, with a deletionTimestamp), then removed.
        assert [(e.type, e.object.metadata.name) for e in events] == [
            ("ADDED", "w2"),
            ("MODIFIED", "w1"),
            ("MODIFIED", "w2"),
            ("DELETED", "w2"),
        ]
        marked = events[2].object.metadata
        assert marked.deletion_timestamp and marked.deletion_grace_period_seconds == 0
        assert all(of_type(e.object, Pod) for e in events)
        assert events[1].object.metadata.labels["x"] == "y"
        sent = k.recorder.last("GET")
        assert sent.path == f"/api/v1/namespaces/{ns}/pods"
        assert sent.query == (
            ("watch", "true"),
            ("allowWatchBookmarks", "true"),
            ("resourceVersion", start),
            ("timeoutSeconds", "5"),
            ("timeout", "5s"),
        )

        # A watch of one name is a field selector, as client-go's informers for one object do it.
        named = pods.watch(field_selector="metadata.name=w1", timeout_seconds=1)
        initial = await k.events(named, 5)
        assert [(e.type, e.object.metadata.name) for e in initial] == [("ADDED", "w1")]

    run(scenario)


def test_list_all_pages(run: Run) -> None:
    async def scenario(k: Kube) -> None:
        ns = await k.namespace()
        pods = k.cs.core_v1.pods(ns)
        names = [f"p{i}" for i in range(7)]
        for name in names:
            await k(pods.create(pod(name)))
        await k(pods.create(pod("other", labels={"app": "other"})))
        k.recorder.clear()

        items = await k.collect(pods.list_all(label_selector="app=typed", page_size=3))
        assert [p.metadata.name for p in items] == names and all(of_type(p, Pod) for p in items)
        pages = k.recorder.sent
        assert len(pages) == 3
        assert pages[0].query == (("labelSelector", "app=typed"), ("limit", "3"))
        tokens = [p.param("continue") for p in pages]
        assert tokens[0] is None and tokens[1] and tokens[2] and tokens[1] != tokens[2]
        for page in pages[1:]:
            assert page.param("limit") == "3" and page.param("labelSelector") == "app=typed"
            assert page.param("resourceVersion") is None  # never together with a continue token

        # resourceVersion=0 is served from kube-apiserver's watch cache, which does not page: one answer.
        k.recorder.clear()
        pinned = await k.collect(pods.list_all(page_size=4, resource_version="0"))
        assert len(pinned) == 8
        assert [p.param("resourceVersion") for p in k.recorder.sent] == ["0"]

    run(scenario)


def test_delete_with_options_and_delete_collection(run: Run) -> None:
    async def scenario(k: Kube) -> None:
        ns = await k.namespace()
        pods = k.cs.core_v1.pods(ns)
        victim = await k(pods.create(pod("victim")))

        await k(pods.delete("victim", dry_run=True))
        assert k.recorder.last("DELETE").json() == {"dryRun": ["All"]}
        assert (await k(pods.get("victim"))).metadata.uid == victim.metadata.uid

        with pytest.raises(ConflictError, match=r'on Pod "victim": the UID in the precondition \(0{8}-'):
            await k(pods.delete("victim", preconditions={"uid": "00000000-0000-0000-0000-000000000000"}))
        with pytest.raises(ConflictError, match=r"the ResourceVersion in the precondition \(1\) does not match"):
            await k(pods.delete("victim", preconditions={"resource_version": "1"}))
        await k(
            pods.delete(
                "victim",
                grace_period_seconds=0,
                propagation_policy="Background",
                preconditions={"uid": victim.metadata.uid, "resource_version": victim.metadata.resource_version},
            )
        )
        sent = k.recorder.last("DELETE")
        assert (sent.path, sent.query) == (f"/api/v1/namespaces/{ns}/pods/victim", ())
        assert sent.content_type == "application/json"
        assert sent.json() == {
            "gracePeriodSeconds": 0,
            "preconditions": {"uid": victim.metadata.uid, "resourceVersion": victim.metadata.resource_version},
            "propagationPolicy": "Background",
        }
        with pytest.raises(NotFoundError):
            await k(pods.get("victim"))
        with pytest.raises(NotFoundError):
            await k(pods.delete("victim"))

        for i in range(3):
            await k(pods.create(pod(f"batch-{i}", labels={"batch": "yes"})))
        await k(pods.create(pod("keeper", labels={"batch": "no"})))
        await k(
            pods.delete_collection(label_selector="batch=yes", propagation_policy="Background", grace_period_seconds=0)
        )
        sent = k.recorder.last("DELETE")
        assert (sent.path, sent.query) == (f"/api/v1/namespaces/{ns}/pods", (("labelSelector", "batch=yes"),))
        assert json.loads(sent.body) == {"gracePeriodSeconds": 0, "propagationPolicy": "Background"}
        left = await k(pods.list())
        assert [p.metadata.name for p in left.items] == ["keeper"]

    run(scenario)
