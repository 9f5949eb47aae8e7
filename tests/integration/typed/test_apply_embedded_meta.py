"""Apply configurations offer client-go's flattened metadata builders (`with_name`, `with_labels`, ...) on every type
that embeds ObjectMeta — a PodTemplateSpec inside a Deployment, not only the top-level kinds."""

from __future__ import annotations

from tests.integration.backends import Backend

from kubeapi import Clientset
from kubeapi.apps.v1 import applyconfigs as apps
from kubeapi.core.v1 import applyconfigs as core
from kubeapi.meta.v1 import applyconfigs as meta


def test_a_pod_template_takes_labels_directly(backend: Backend) -> None:
    labels = {"app": "flat"}
    template = (
        core.PodTemplateSpecApplyConfiguration()
        .with_labels(labels)
        .with_annotations({"note": "flattened"})
        .with_spec(core.PodSpecApplyConfiguration().with_containers(
            core.ContainerApplyConfiguration().with_name("main").with_image("nginx")
        ))
    )  # fmt: skip
    assert template.to_dict()["metadata"] == {"labels": labels, "annotations": {"note": "flattened"}}
    config = apps.Deployment("flat", backend.namespace).with_labels({"tier": "web"}).with_spec(
        apps.DeploymentSpecApplyConfiguration()
        .with_replicas(1)
        .with_selector(core_selector(labels))
        .with_template(template)
    )  # fmt: skip
    with Clientset.for_config(backend.config()) as cs:
        applied = cs.apps_v1.deployments(backend.namespace).apply(config, field_manager="flat-test")
    assert applied.metadata.labels == {"tier": "web"}
    assert applied.spec.template.metadata.labels == labels
    assert applied.spec.template.metadata.annotations == {"note": "flattened"}
    named = core.PersistentVolumeClaimTemplateApplyConfiguration().with_name("data").with_labels({"a": "b"})
    assert named.to_dict() == {"metadata": {"name": "data", "labels": {"a": "b"}}}


def core_selector(labels: dict[str, str]) -> meta.LabelSelectorApplyConfiguration:
    return meta.LabelSelectorApplyConfiguration().with_match_labels(labels)
