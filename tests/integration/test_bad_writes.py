"""A wrong type in a typed object is refused by the server (400, nothing stored), so it cannot poison the typed
readers that come after: list() and an informer keep working. On the fake and on kube-apiserver alike."""

from __future__ import annotations

import pytest
from backends import Backend

import kubeclient
from kubeapi import Clientset
from kubeapi.apps.v1 import Deployment, DeploymentSpec
from kubeapi.core.v1 import ConfigMap, Container, PodSpec, PodTemplateSpec
from kubeapi.informers import SharedInformerFactory
from kubeapi.meta.v1 import LabelSelector, ObjectMeta


def test_wrong_types_are_refused_and_readers_keep_working(backend: Backend) -> None:
    with Clientset.for_config(backend.config()) as cs:
        configmaps = cs.core_v1.config_maps(backend.namespace)
        with pytest.raises(kubeclient.BadRequestError) as refused:
            configmaps.create(ConfigMap(metadata=ObjectMeta(name="bad"), data={"a": 1}))  # type: ignore[dict-item]
        assert refused.value.status["message"] == (
            'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go '
            "struct field ConfigMap.data of type string"
        )
        spec = DeploymentSpec(
            replicas="two",  # type: ignore[arg-type]
            selector=LabelSelector(match_labels={"app": "d"}),
            template=PodTemplateSpec(
                metadata=ObjectMeta(labels={"app": "d"}),
                spec=PodSpec(containers=[Container(name="c", image="busybox")]),
            ),
        )
        with pytest.raises(kubeclient.BadRequestError):
            cs.apps_v1.deployments(backend.namespace).create(Deployment(metadata=ObjectMeta(name="d"), spec=spec))

        configmaps.create(ConfigMap(metadata=ObjectMeta(name="good"), data={"a": "1"}))
        assert [c.metadata.name for c in configmaps.list().items if c.metadata.name in ("bad", "good")] == ["good"]
        factory = SharedInformerFactory(cs, namespace=backend.namespace)
        informer = factory.core_v1.config_maps()
        informer.informer()  # registers it with the factory
        factory.start()
        try:
            synced = factory.wait_for_cache_sync(timeout=20)
            assert synced and all(synced.values())
            assert "good" in [c.metadata.name for c in informer.lister().list()]
        finally:
            factory.shutdown()
