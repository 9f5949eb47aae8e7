"""apps/v1 Deployment through the typed clients, sync and asyncio: the generic verbs under /apis/apps/v1 and the
scale subresource (get_scale / update_scale / patch_scale with autoscaling/v1 Scale)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from typed_helpers import ACCEPT, Kube, Scenario, of_type

from kubeapi.apps.v1 import applyconfigs as apps_ac
from kubeapi.apps.v1.models import Deployment, DeploymentList, DeploymentSpec, DeploymentStatus
from kubeapi.autoscaling.v1.models import Scale, ScaleSpec
from kubeapi.core.v1 import applyconfigs as core_ac
from kubeapi.core.v1.models import Container, PodSpec, PodTemplateSpec
from kubeapi.meta.v1 import applyconfigs as meta_ac
from kubeapi.meta.v1.models import LabelSelector, ObjectMeta
from kubeclient.errors import ConflictError, NotFoundError
from kubeclient.model import UNSET

Run = Callable[[Scenario], None]


def deployment(name: str, *, replicas: int = 1, labels: dict[str, str] | None = None) -> Deployment:
    selector = {"app": name}
    return Deployment(
        metadata=ObjectMeta(name=name, labels=labels or {"tier": "web"}),
        spec=DeploymentSpec(
            replicas=replicas,
            selector=LabelSelector(match_labels=selector),
            template=PodTemplateSpec(
                metadata=ObjectMeta(labels=selector),
                spec=PodSpec(containers=[Container(name="app", image="nginx:1.27")]),
            ),
        ),
    )


def test_verbs(run: Run) -> None:
    async def scenario(k: Kube) -> None:
        ns = await k.namespace()
        deployments = k.cs.apps_v1.deployments(ns)
        base = f"/apis/apps/v1/namespaces/{ns}/deployments"

        created = await k(deployments.create(deployment("web"), field_manager="typed"))
        assert of_type(created, Deployment) and created.metadata.generation == 1
        assert created.spec.strategy.type == "RollingUpdate"  # server defaults come back typed
        sent = k.recorder.last("POST")
        assert (sent.path, sent.query, sent.headers["accept"]) == (base, (("fieldManager", "typed"),), ACCEPT)
        assert (sent.json()["apiVersion"], sent.json()["kind"]) == ("apps/v1", "Deployment")

        got = await k(deployments.get("web"))
        assert of_type(got, Deployment) and k.recorder.last().path == f"{base}/web"
        listed = await k(deployments.list(label_selector="tier=web"))
        assert of_type(listed, DeploymentList) and [d.metadata.name for d in listed.items] == ["web"]

        got.spec.replicas = 3
        updated = await k(deployments.update(got))
        assert updated.spec.replicas == 3 and updated.metadata.generation == 2
        assert k.recorder.last("PUT").path == f"{base}/web"

        updated.status = DeploymentStatus(replicas=3, ready_replicas=2, observed_generation=2)
        with_status = await k(deployments.update_status(updated))
        assert (with_status.status.replicas, with_status.status.ready_replicas) == (3, 2)
        assert with_status.metadata.generation == 2  # status writes do not bump the generation
        assert k.recorder.last("PUT").path == f"{base}/web/status"

        merged = await k(deployments.patch("web", {"spec": {"paused": True}}))
        assert merged.spec.paused is True
        strategic = {"spec": {"template": {"spec": {"containers": [{"name": "app", "image": "nginx:1.28"}]}}}}
        patched = await k(deployments.patch("web", strategic, "strategic", field_manager="rollout"))
        assert [c.image for c in patched.spec.template.spec.containers] == ["nginx:1.28"]
        sent = k.recorder.last("PATCH")
        assert sent.content_type == "application/strategic-merge-patch+json"
        assert sent.query == (("fieldManager", "rollout"),)
        ops = [{"op": "replace", "path": "/spec/replicas", "value": 4}]
        assert (await k(deployments.patch("web", ops, "json"))).spec.replicas == 4
        assert k.recorder.last("PATCH").content_type == "application/json-patch+json"
        on_status = await k(
            deployments.patch(
                "web", [{"op": "replace", "path": "/status/replicas", "value": 4}], "json", subresource="status"
            )
        )
        assert on_status.status.replicas == 4
        assert k.recorder.last("PATCH").path == f"{base}/web/status"

        config = (
            apps_ac.Deployment("applied", ns)
            .with_labels({"tier": "web"})
            .with_spec(
                apps_ac.DeploymentSpecApplyConfiguration()
                .with_replicas(2)
                .with_selector(meta_ac.LabelSelectorApplyConfiguration().with_match_labels({"app": "applied"}))
                .with_template(
                    core_ac.PodTemplateSpecApplyConfiguration()
                    .with_metadata(meta_ac.ObjectMetaApplyConfiguration().with_labels({"app": "applied"}))
                    .with_spec(
                        core_ac.PodSpecApplyConfiguration().with_containers(
                            core_ac.ContainerApplyConfiguration().with_name("app").with_image("nginx:1.27")
                        )
                    )
                )
            )
        )
        applied = await k(deployments.apply(config, field_manager="applier"))
        assert of_type(applied, Deployment) and applied.spec.replicas == 2
        assert applied.metadata.labels == {"tier": "web"}
        sent = k.recorder.last("PATCH")
        assert (sent.path, sent.content_type) == (f"{base}/applied", "application/apply-patch+yaml")
        assert sent.query == (("force", "false"), ("fieldManager", "applier"))
        status = apps_ac.Deployment("applied", ns).with_status(
            apps_ac.DeploymentStatusApplyConfiguration().with_replicas(2)
        )
        applied = await k(deployments.apply_status(status, field_manager="controller"))
        assert applied.status.replicas == 2 and k.recorder.last("PATCH").path == f"{base}/applied/status"

        everything = await k.collect(deployments.list_all(page_size=1))
        assert [d.metadata.name for d in everything] == ["applied", "web"]
        assert all(of_type(d, Deployment) for d in everything)

        events = await k.events(
            deployments.watch(resource_version=created.metadata.resource_version, timeout_seconds=2), 2
        )
        assert [(e.type, e.object.metadata.name) for e in events] == [("MODIFIED", "web"), ("MODIFIED", "web")]
        assert all(of_type(e.object, Deployment) for e in events)

        await k(deployments.delete("web", propagation_policy="Orphan"))
        assert k.recorder.last("DELETE").json() == {"propagationPolicy": "Orphan"}
        await k(deployments.delete_collection(label_selector="tier=web"))
        sent = k.recorder.last("DELETE")
        assert (sent.path, sent.query) == (base, (("labelSelector", "tier=web"),))
        left = [(d.metadata.name, d.metadata.finalizers) for d in (await k(deployments.list())).items]
        # With no garbage collector on a bare control plane, the orphan finalizer is never taken off; the fake
        # finishes the deletion as the collector would.
        assert left == ([("web", ["orphan"])] if k.backend.is_real else [])

    run(scenario)


def test_scale_subresource(run: Run) -> None:
    async def scenario(k: Kube) -> None:
        ns = await k.namespace()
        deployments = k.cs.apps_v1.deployments(ns)
        base = f"/apis/apps/v1/namespaces/{ns}/deployments/web/scale"
        await k(deployments.create(deployment("web", replicas=2)))

        scale = await k(deployments.get_scale("web"))
        assert of_type(scale, Scale)
        assert (scale.api_version, scale.kind, scale.metadata.name) == ("autoscaling/v1", "Scale", "web")
        assert scale.spec.replicas == 2 and scale.status.selector == "app=web"
        assert k.recorder.last("GET").path == base

        scale.spec = ScaleSpec(replicas=5)
        scaled = await k(deployments.update_scale("web", scale, field_manager="hpa"))
        assert of_type(scaled, Scale) and scaled.spec.replicas == 5
        sent = k.recorder.last("PUT")
        assert (sent.path, sent.query) == (base, (("fieldManager", "hpa"),))
        assert (sent.json()["apiVersion"], sent.json()["kind"]) == ("autoscaling/v1", "Scale")
        assert (await k(deployments.get("web"))).spec.replicas == 5
        with pytest.raises(ConflictError):
            await k(deployments.update_scale("web", scale))  # scale still carries the old resourceVersion

        patched = await k(deployments.patch_scale("web", {"spec": {"replicas": 1}}))
        assert of_type(patched, Scale) and patched.spec.replicas == 1
        sent = k.recorder.last("PATCH")
        assert (sent.path, sent.content_type) == (base, "application/merge-patch+json")
        patched = await k(
            deployments.patch_scale("web", [{"op": "replace", "path": "/spec/replicas", "value": 0}], "json")
        )
        assert patched.spec.replicas is UNSET  # autoscaling/v1 omits a zero spec.replicas
        assert (await k(deployments.get("web"))).spec.replicas == 0

        with pytest.raises(NotFoundError):
            await k(deployments.get_scale("missing"))

    run(scenario)
