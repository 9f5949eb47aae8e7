"""Cluster-scoped kinds through the typed clients, sync and asyncio: Node (every verb, status) and Namespace
(every verb it serves, status and finalize; no delete_collection)."""

from __future__ import annotations

import secrets
from collections.abc import Callable

import pytest
from typed_helpers import Kube, Scenario, of_type

from kubeapi.core.v1 import applyconfigs as ac
from kubeapi.core.v1.models import Namespace, NamespaceList, NamespaceSpec, Node, NodeList, NodeSpec, NodeStatus, Taint
from kubeapi.meta.v1.models import ObjectMeta
from kubeclient.errors import ConflictError, NotFoundError

Run = Callable[[Scenario], None]


def test_node_verbs(run: Run) -> None:
    async def scenario(k: Kube) -> None:
        nodes = k.cs.core_v1.nodes()
        with pytest.raises(ValueError, match="cluster-scoped"):
            nodes.namespace("default")
        run_id = secrets.token_hex(3)
        labels = {"typed-run": run_id}
        names = [f"node-{run_id}-{i}" for i in range(4)]

        first = await k(nodes.create(Node(metadata=ObjectMeta(name=names[0], labels=labels)), field_manager="kubelet"))
        assert of_type(first, Node) and first.metadata.uid and not first.metadata.namespace
        sent = k.recorder.last("POST")
        assert (sent.path, sent.query) == ("/api/v1/nodes", (("fieldManager", "kubelet"),))
        for name in names[1:]:
            await k(nodes.create(Node(metadata=ObjectMeta(name=name, labels=labels))))

        got = await k(nodes.get(names[0]))
        assert of_type(got, Node) and k.recorder.last().path == f"/api/v1/nodes/{names[0]}"
        listed = await k(nodes.list(label_selector=f"typed-run={run_id}"))
        assert of_type(listed, NodeList) and [n.metadata.name for n in listed.items] == names
        paged = await k.collect(nodes.list_all(label_selector=f"typed-run={run_id}", page_size=3))
        assert [n.metadata.name for n in paged] == names and all(of_type(n, Node) for n in paged)
        assert [s.param("limit") for s in k.recorder.sent[-2:]] == ["3", "3"]

        got.spec = NodeSpec(unschedulable=True)
        updated = await k(nodes.update(got))
        assert updated.spec.unschedulable is True
        assert k.recorder.last("PUT").path == f"/api/v1/nodes/{names[0]}"
        updated.status = NodeStatus(capacity={"cpu": "4", "memory": "8Gi"})
        with_status = await k(nodes.update_status(updated))
        assert with_status.status.capacity == {"cpu": "4", "memory": "8Gi"}
        assert k.recorder.last("PUT").path == f"/api/v1/nodes/{names[0]}/status"
        with pytest.raises(ConflictError):
            await k(nodes.update(got))

        taint = {"spec": {"taints": [{"key": "dedicated", "value": "typed", "effect": "NoSchedule"}]}}
        tainted = await k(nodes.patch(names[0], taint, "strategic"))
        assert tainted.spec.taints == [Taint(key="dedicated", value="typed", effect="NoSchedule")]
        assert k.recorder.last("PATCH").path == f"/api/v1/nodes/{names[0]}"
        merged = await k(nodes.patch(names[0], {"status": {"capacity": {"pods": "110"}}}, subresource="status"))
        assert merged.status.capacity == {"cpu": "4", "memory": "8Gi", "pods": "110"}

        config = (
            ac.Node(names[1])
            .with_labels({"role": "edge"})
            .with_spec(ac.NodeSpecApplyConfiguration().with_pod_cidr("10.0.0.0/24"))
        )
        applied = await k(nodes.apply(config, field_manager="node-applier"))
        assert applied.metadata.labels == {**labels, "role": "edge"} and applied.spec.pod_cidr == "10.0.0.0/24"
        sent = k.recorder.last("PATCH")
        assert (sent.path, sent.content_type) == (f"/api/v1/nodes/{names[1]}", "application/apply-patch+yaml")
        assert "namespace" not in sent.json()["metadata"]
        status = ac.Node(names[1]).with_status(ac.NodeStatusApplyConfiguration().with_capacity({"cpu": "2"}))
        applied = await k(nodes.apply_status(status, field_manager="kubelet"))
        assert applied.status.capacity == {"cpu": "2"}
        assert k.recorder.last("PATCH").path == f"/api/v1/nodes/{names[1]}/status"

        watch = nodes.watch(
            label_selector=f"typed-run={run_id}", resource_version=first.metadata.resource_version, timeout_seconds=2
        )
        events = await k.events(watch, 3)
        assert [(e.type, e.object.metadata.name) for e in events] == [
            ("ADDED", names[1]),
            ("ADDED", names[2]),
            ("ADDED", names[3]),
        ]
        assert all(of_type(e.object, Node) for e in events)
        assert k.recorder.last("GET").path == "/api/v1/nodes"

        with pytest.raises(ConflictError):
            await k(nodes.delete(names[0], preconditions={"resourceVersion": first.metadata.resource_version}))
        await k(nodes.delete(names[0], propagation_policy="Background", preconditions={"uid": first.metadata.uid}))
        assert k.recorder.last("DELETE").json() == {
            "preconditions": {"uid": first.metadata.uid},
            "propagationPolicy": "Background",
        }
        with pytest.raises(NotFoundError):
            await k(nodes.get(names[0]))
        await k(nodes.delete_collection(label_selector=f"typed-run={run_id}", dry_run=True))
        assert len((await k(nodes.list(label_selector=f"typed-run={run_id}"))).items) == 3
        await k(nodes.delete_collection(label_selector=f"typed-run={run_id}"))
        sent = k.recorder.last("DELETE")
        assert (sent.path, sent.query) == ("/api/v1/nodes", (("labelSelector", f"typed-run={run_id}"),))
        assert (await k(nodes.list(label_selector=f"typed-run={run_id}"))).items == []

    run(scenario)


def test_namespace_verbs_status_and_finalize(run: Run) -> None:
    async def scenario(k: Kube) -> None:
        namespaces = k.cs.core_v1.namespaces()
        assert not hasattr(namespaces, "delete_collection")  # namespaces do not serve deletecollection
        name = f"typed-ns-{secrets.token_hex(3)}"

        created = await k(namespaces.create(Namespace(metadata=ObjectMeta(name=name))))
        assert of_type(created, Namespace) and created.status.phase == "Active"
        assert created.spec.finalizers == ["kubernetes"]
        assert created.metadata.labels == {"kubernetes.io/metadata.name": name}
        assert k.recorder.last("POST").path == "/api/v1/namespaces"
        listed = await k(namespaces.list(label_selector=f"kubernetes.io/metadata.name={name}"))
        assert of_type(listed, NamespaceList) and [n.metadata.name for n in listed.items] == [name]

        created.metadata.labels = {**created.metadata.labels, "team": "typed"}
        updated = await k(namespaces.update(created))
        assert updated.metadata.labels["team"] == "typed"
        assert k.recorder.last("PUT").path == f"/api/v1/namespaces/{name}"
        patched = await k(namespaces.patch(name, {"metadata": {"annotations": {"a": "b"}}}))
        assert patched.metadata.annotations == {"a": "b"}
        applied = await k(
            namespaces.apply(ac.Namespace(name).with_labels({"owner": "applier"}), field_manager="applier")
        )
        assert applied.metadata.labels["owner"] == "applier" and applied.metadata.labels["team"] == "typed"
        sent = k.recorder.last("PATCH")
        assert sent.path == f"/api/v1/namespaces/{name}" and sent.content_type == "application/apply-patch+yaml"

        applied.status.conditions = []
        applied.status.phase = "Active"
        with_status = await k(namespaces.update_status(applied))
        assert with_status.status.phase == "Active"
        assert k.recorder.last("PUT").path == f"/api/v1/namespaces/{name}/status"

        # finalize takes spec.finalizers (what the namespace controller empties) and leaves the status alone.
        with_status.spec = NamespaceSpec(finalizers=[])
        finalized = await k(namespaces.update_finalize(name, with_status, field_manager="namespace-controller"))
        assert of_type(finalized, Namespace) and not finalized.spec.finalizers
        assert finalized.status.phase == "Active"
        sent = k.recorder.last("PUT")
        assert (sent.path, sent.query) == (
            f"/api/v1/namespaces/{name}/finalize",
            (("fieldManager", "namespace-controller"),),
        )
        assert sent.json()["spec"] == {"finalizers": []}
        assert not (await k(namespaces.get(name))).spec.finalizers

        watch = namespaces.watch(
            field_selector=f"metadata.name={name}",
            resource_version=finalized.metadata.resource_version,
            timeout_seconds=5,
        )
        terminating = await k(namespaces.delete(name, propagation_policy="Background"))
        assert terminating is None  # delete answers nothing typed: client-go's Delete returns only an error
        assert k.recorder.last("DELETE").json() == {"propagationPolicy": "Background"}
        events = await k.events(watch, 1)
        assert [e.type for e in events] == ["MODIFIED"] and events[0].object.status.phase == "Terminating"
        if k.backend.is_real:
            # No namespace controller on a bare control plane: its last step, deleting the emptied namespace whose
            # spec.finalizers are already gone, is ours.
            await k(namespaces.delete(name))
        after = namespaces.watch(
            field_selector=f"metadata.name={name}",
            resource_version=events[0].object.metadata.resource_version,
            timeout_seconds=5,
        )
        events = await k.events(after, 1)
        assert [e.type for e in events] == ["DELETED"] and of_type(events[0].object, Namespace)

        async def gone() -> bool:
            try:
                await k(namespaces.get(name))
            except NotFoundError:
                return True
            return False

        await k.eventually(gone, f"namespace {name} to go")

    run(scenario)
