"""Models rendered from the project's v1.36 snapshot decode real apiserver answers and re-encode them exactly."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from types import ModuleType
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubeclient.model import UNKNOWN_FIELDS_KEY, UNSET

Wire = Callable[[str], bytes]


def exact(cls: Any, raw: bytes) -> Any:
    obj = cls.from_json(raw)
    assert obj.to_dict() == json.loads(raw)
    assert json.loads(obj.to_json()) == json.loads(raw)
    assert cls.from_dict(json.loads(raw)) == obj
    return obj


def test_deployment_configmap_and_list_page(rendered: Any, wire: Wire) -> None:
    apps, core = rendered.models("apps_v1"), rendered.models("core_v1")
    dep = exact(apps.Deployment, wire("deployment.json"))
    assert dep.spec.template.spec.containers[0].image == "nginx"
    assert dep.spec.strategy.rolling_update.max_surge == "25%"  # IntOrString
    fields_v1 = dep.metadata.managed_fields[0].fields_v1
    assert isinstance(fields_v1, msgspec.Raw)  # kept as the server's JSON, compacted from the indented file
    assert bytes(fields_v1).startswith(b'{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{')
    assert msgspec.json.decode(fields_v1)["f:spec"]["f:replicas"] == {}
    assert dep.status.to_dict() == {}  # "status": {} stays an empty object
    cm = exact(core.ConfigMap, wire("configmap.json"))
    assert cm.data == {"a": "1"}
    page = exact(core.ConfigMapList, wire("list-page.json"))
    assert page.items[0].kind == "ConfigMap"  # the default, though the server left it out of the item
    assert "kind" not in page.to_dict()["items"][0]


def test_custom_resource_with_inline_objects(rendered: Any, wire: Wire) -> None:
    data = wire("certificate.json")  # skips first when ../shared (and so the cert-manager CRD) is absent
    cm = rendered.models("certmanager_v1")
    cert = exact(cm.Certificate, data)
    assert type(cert.spec).__name__ == "CertificateSpec"
    assert cert.spec.issuer_ref.kind == "Issuer"
    assert cert.spec.dns_names == ["a.example.com"]


def test_status_answers(rendered: Any, wire: Wire) -> None:
    meta = rendered.models("meta_v1")
    for name in ("status-404.json", "status-409-apply-conflict.json", "status-422-invalid.json"):
        status = exact(meta.Status, wire(name))
        assert status.kind == "Status"


def test_watch_events_with_embedded_objects(rendered: Any, wire: Wire) -> None:
    meta = rendered.models("meta_v1")
    for line in wire("watch-stream.jsonl").splitlines():
        if line.strip():
            event = exact(meta.WatchEvent, line)
            assert isinstance(event.object, dict)


def test_bench_pods_decode_on_the_strict_path(rendered: Any, bench_podlist: ModuleType) -> None:
    core = rendered.models("core_v1")
    raw = json.dumps(bench_podlist.make_pod_list(count=40, seed=7), separators=(",", ":")).encode()
    # Nulls (lastProbeTime) and everything else of a realistic pod fit the models: no lossless detour needed.
    strict = msgspec.json.decode(raw, type=core.PodList)
    pods = exact(core.PodList, raw)
    assert pods == strict
    condition = pods.items[0].status.conditions[0]
    assert condition.last_probe_time is None
    assert condition.observed_generation is UNSET
    assert pods.items[0].spec.containers[0].resources.limits["cpu"] == "1"


def test_unknown_fields_inside_a_pod_template(rendered: Any, wire: Wire) -> None:
    apps = rendered.models("apps_v1")
    data = json.loads(wire("deployment.json"))
    data["spec"]["template"]["spec"]["containers"][0]["futureContainerField"] = [{"action": "Restart"}]
    data["spec"]["template"]["metadata"]["creationTimestamp"] = None
    data["spec"]["newSpecField"] = {"a": 1}
    data["status"]["futureCondition"] = "x"
    data["newTop"] = 1
    raw = json.dumps(data).encode()
    dep = exact(apps.Deployment, raw)
    container = dep.spec.template.spec.containers[0]
    assert container._unknown == {"futureContainerField": [{"action": "Restart"}]}
    assert dep.spec.template.metadata.creation_timestamp is None
    # Read-modify-write keeps them.
    dep.spec.replicas = 5
    out = json.loads(dep.to_json())
    assert out["spec"]["replicas"] == 5
    assert out["spec"]["template"]["spec"]["containers"][0]["futureContainerField"] == [{"action": "Restart"}]
    assert out["newTop"] == 1
    assert UNKNOWN_FIELDS_KEY not in json.dumps(out)


def test_fresh_objects_carry_type_meta(rendered: Any) -> None:
    core, meta = rendered.models("core_v1"), rendered.models("meta_v1")
    pod = core.Pod(metadata=meta.ObjectMeta(name="x"), spec=core.PodSpec(containers=[core.Container(name="c")]))
    assert pod.to_dict() == {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "x"},
        "spec": {"containers": [{"name": "c"}]},
    }


# Where in a realistic pod an unknown field may appear: every object the models know as a struct.
_STRUCT_PATHS: list[tuple[Any, ...]] = [
    (),
    ("metadata",),
    ("metadata", "ownerReferences", 0),
    ("metadata", "managedFields", 1),
    ("spec",),
    ("spec", "containers", 0),
    ("spec", "containers", 1, "livenessProbe", "httpGet"),
    ("spec", "containers", 0, "resources"),
    ("spec", "volumes", 1, "projected", "sources", 0, "serviceAccountToken"),
    ("spec", "affinity", "podAntiAffinity"),
    ("status",),
    ("status", "conditions", 2),
    ("status", "containerStatuses", 0, "state", "running"),
]

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)
_names = st.text(alphabet="abcdefghijklmnopqrstuvwxyzXYZ-_.$", min_size=1, max_size=12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_unknown_fields_in_a_pod_survive(rendered: Any, bench_podlist: ModuleType, data: st.DataObject) -> None:
    core = rendered.models("core_v1")
    pod = {"apiVersion": "v1", "kind": "Pod", **bench_podlist.make_pod(random.Random(3), 0)}  # with a sidecar
    injected = 0
    for path in data.draw(st.lists(st.sampled_from(_STRUCT_PATHS), min_size=1, max_size=4)):
        target = pod
        for step in path:
            target = target[step]
        name = data.draw(_names)
        if name in target:
            continue  # a known field: not an injection
        target[name] = data.draw(_json_values)
        injected += 1
    raw = json.dumps(pod).encode()
    exact(core.Pod, raw)


def test_apply_configuration_builders(rendered: Any) -> None:
    ac = rendered.applyconfigs("apps_v1")
    core_ac = rendered.applyconfigs("core_v1")
    dep = ac.Deployment("web", "ns").with_spec(
        ac.DeploymentSpecApplyConfiguration()
        .with_replicas(3)
        .with_template(
            core_ac.PodTemplateSpecApplyConfiguration().with_spec(
                core_ac.PodSpecApplyConfiguration()
                .with_containers(core_ac.ContainerApplyConfiguration().with_name("a").with_image("nginx"))
                .with_containers(core_ac.ContainerApplyConfiguration().with_name("b"))
                .with_node_selector({"disk": "ssd"})
                .with_node_selector({"zone": "a"})
            )
        )
    )
    dep.metadata.with_labels({"app": "web"})
    assert dep.to_dict() == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "ns", "labels": {"app": "web"}},
        "spec": {
            "replicas": 3,
            "template": {
                "spec": {
                    "containers": [{"name": "a", "image": "nginx"}, {"name": "b"}],
                    "nodeSelector": {"disk": "ssd", "zone": "a"},
                }
            },
        },
    }
    assert json.loads(dep.to_json()) == dep.to_dict()
    assert ac.Deployment("cluster-wide").to_dict()["metadata"] == {"name": "cluster-wide"}
    with pytest.raises(TypeError, match=r"^with_finalizers\(\) takes the items themselves"):
        ac.Deployment("web").with_finalizers(["example.com/cleanup"])  # one list would be sent as [["..."]]


def test_kinds_offer_the_metadata_builders_of_client_go(rendered: Any) -> None:
    ac, meta_ac = rendered.applyconfigs("apps_v1"), rendered.applyconfigs("meta_v1")
    owner = meta_ac.OwnerReferenceApplyConfiguration().with_kind("ReplicaSet").with_name("web-1").with_uid("u1")
    dep = (
        ac.Deployment("web", "ns")
        .with_labels({"app": "web"})
        .with_labels({"tier": "front"})
        .with_annotations({"note": "x"})
        .with_finalizers("example.com/a")
        .with_owner_references(owner)
    )
    assert dep.to_dict()["metadata"] == {
        "name": "web",
        "namespace": "ns",
        "labels": {"app": "web", "tier": "front"},
        "annotations": {"note": "x"},
        "finalizers": ["example.com/a"],
        "ownerReferences": [{"kind": "ReplicaSet", "name": "web-1", "uid": "u1"}],
    }
    # A configuration without metadata gets one on first use; nested classes have no such builders.
    assert ac.DeploymentApplyConfiguration().with_labels({"a": "b"}).to_dict()["metadata"] == {"labels": {"a": "b"}}
    assert not hasattr(ac.DeploymentSpecApplyConfiguration(), "with_labels")


def test_extract_builds_the_managers_apply_configuration(rendered: Any, wire: Wire) -> None:
    ac, apps = rendered.applyconfigs("apps_v1"), rendered.models("apps_v1")
    data = json.loads(wire("deployment.json"))
    data["metadata"]["managedFields"][0]["operation"] = "Apply"
    data["metadata"]["managedFields"][0]["manager"] = "me"
    extracted = ac.extract_deployment(apps.Deployment.from_dict(data), "me")
    assert isinstance(extracted, ac.DeploymentApplyConfiguration)
    assert extracted.spec.replicas == 2
    assert extracted.metadata.name == "web"
    assert extracted.to_dict()["kind"] == "Deployment"
    none_owned = ac.extract_deployment(data, "someone-else")
    assert none_owned.spec is UNSET
