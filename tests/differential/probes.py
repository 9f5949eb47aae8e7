# ruff: noqa: E501
# (a table of requests reads best one per line)
"""The differential probes: one declarative list of requests, replayed in order against the fake and the real
kube-apiserver (see harness.py). Later probes see what earlier ones made, on both servers alike."""

from __future__ import annotations

import copy
from typing import Any

from harness import Probe

NS = "/api/v1/namespaces/{ns}"
APPS = "/apis/apps/v1/namespaces/{ns}"
GROUP = "d{u}.example.com"
CRD_NAME = f"widgets.{GROUP}"
CR = f"/apis/{GROUP}/v1/namespaces/{{ns}}/widgets"
MERGE = "application/merge-patch+json"
STRATEGIC = "application/strategic-merge-patch+json"
JSONPATCH = "application/json-patch+json"
APPLY = "application/apply-patch+yaml"
TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io"
PARTIAL = "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io"
PARTIAL_LIST = "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io"
AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"


def cm(name: str, data: Any = None, **meta: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, **meta}}
    if data is not None:
        out["data"] = data
    return out


def container(name: str = "main", **extra: Any) -> dict[str, Any]:
    return {"name": name, "image": "busybox:1.36", **extra}


def pod(name: str, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {"containers": [container()], **spec},
    }


def deployment(name: str, replicas: Any = 1, labels: dict[str, str] | None = None) -> dict[str, Any]:
    labels = labels or {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": labels}, "spec": {"containers": [container()]}},
        },
    }


def service(name: str, ports: Any = None, **spec: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": dict(spec)}
    if ports is not None:
        body["spec"]["ports"] = ports
    return body


def secret(name: str, **fields: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name}, **fields}


def widget(name: str, spec: Any) -> dict[str, Any]:
    return {"apiVersion": f"{GROUP}/v1", "kind": "Widget", "metadata": {"name": name}, "spec": spec}


def setting(obj: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """`obj` with the dotted `path` (list indexes as numbers) set to `value`."""
    out = copy.deepcopy(obj)
    parts = path.split(".")
    here: Any = out
    for part in parts[:-1]:
        here = here[int(part)] if isinstance(here, list) else here.setdefault(part, {})
    last = parts[-1]
    if isinstance(here, list):
        here[int(last)] = value
    else:
        here[last] = value
    return out


def post(name: str, path: str, body: Any, **kw: Any) -> Probe:
    return Probe(name, "POST", path, body, **kw)


def put(name: str, path: str, body: Any, **kw: Any) -> Probe:
    return Probe(name, "PUT", path, body, **kw)


def get(name: str, path: str, **kw: Any) -> Probe:
    return Probe(name, "GET", path, **kw)


def patch(name: str, path: str, kind: str, body: Any, **kw: Any) -> Probe:
    return Probe(name, "PATCH", path, body, content_type=kind, **kw)


def delete(name: str, path: str, body: Any = None, **kw: Any) -> Probe:
    return Probe(name, "DELETE", path, body, **kw)


CRD: dict[str, Any] = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": CRD_NAME},
    "spec": {
        "group": GROUP,
        "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
        "scope": "Namespaced",
        "versions": [
            {
                "name": "v1",
                "served": True,
                "storage": True,
                "subresources": {
                    "status": {},
                    "scale": {"specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas"},
                },
                "additionalPrinterColumns": [{"name": "Size", "type": "string", "jsonPath": ".spec.size"}],
                "schema": {
                    "openAPIV3Schema": {
                        "type": "object",
                        "properties": {
                            "spec": {
                                "type": "object",
                                "required": ["size"],
                                "properties": {
                                    "size": {"type": "string", "enum": ["small", "medium", "large"]},
                                    "replicas": {"type": "integer", "minimum": 0, "maximum": 10, "default": 1},
                                    "code": {"type": "string", "pattern": "^[A-Z]{3}$", "maxLength": 3},
                                    "ratio": {"type": "number"},
                                    "port": {"x-kubernetes-int-or-string": True},
                                    "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
                                    "owner": {
                                        "type": "object",
                                        "required": ["name"],
                                        "properties": {"name": {"type": "string", "minLength": 2}},
                                    },
                                    "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                                    "flag": {"type": "boolean"},
                                    "hosts": {
                                        "type": "array",
                                        "items": {"type": "string"},
                                        "x-kubernetes-list-type": "set",
                                    },
                                    "listeners": {
                                        "type": "array",
                                        "x-kubernetes-list-type": "map",
                                        "x-kubernetes-list-map-keys": ["name"],
                                        "items": {
                                            "type": "object",
                                            "required": ["name"],
                                            "properties": {"name": {"type": "string"}, "port": {"type": "integer"}},
                                        },
                                    },
                                },
                            },
                            "status": {"type": "object", "properties": {"replicas": {"type": "integer"}}},
                        },
                    }
                },
            }
        ],
    },
}


def _crud() -> list[Probe]:
    c = f"{NS}/configmaps"
    return [
        post("cm-create", c, cm("a", {"k": "v"}), save="cm-a"),
        post("cm-create-duplicate", c, cm("a", {"k": "v"})),
        get("cm-get", f"{c}/a"),
        get("cm-get-missing", f"{c}/missing"),
        post("cm-create-labels", c, cm("b", {"x": "1"}, labels={"app": "web", "tier": "front"})),
        post("cm-create-generate-name", c, {"metadata": {"generateName": "gen-"}, "data": {"g": "1"}}),
        post("cm-create-no-name", c, {"metadata": {}, "data": {"g": "1"}}),
        post("cm-create-dry-run", c, cm("dry", {"k": "v"}), query={"dryRun": "All"}),
        get("cm-get-dry-run-absent", f"{c}/dry"),
        post("cm-create-bad-dry-run", c, cm("dry2", {"k": "v"}), query={"dryRun": "Some"}),
        put("cm-update", f"{c}/a", cm("a", {"k": "v2"}), save="cm-a2"),
        put("cm-update-stale", f"{c}/a", cm("a", {"k": "v3"}, resourceVersion="{rv:cm-a}")),
        put("cm-update-current", f"{c}/a", cm("a", {"k": "v3"}, resourceVersion="{rv:cm-a2}")),
        put("cm-update-name-mismatch", f"{c}/a", cm("other", {"k": "v"})),
        put("cm-update-missing", f"{c}/nothere", cm("nothere", {"k": "v"})),
        put("cm-update-bad-uid", f"{c}/a", cm("a", {"k": "v4"}, uid="00000000-0000-0000-0000-000000000000")),
        post("cm-create-immutable", c, {**cm("imm", {"k": "v"}), "immutable": True}),
        put("cm-update-immutable", f"{c}/imm", {**cm("imm", {"k": "changed"}), "immutable": True}),
        post("cm-create-binary", c, {**cm("bin"), "binaryData": {"b": "aGVsbG8="}}),
        post("cm-create-bad-key", c, cm("badkey", {"no/slash": "v"})),
        post("cm-create-key-collision", c, {**cm("coll", {"k": "v"}), "binaryData": {"k": "aGVsbG8="}}),
        get("cm-list", c),
        get("cm-list-selector", c, query={"labelSelector": "app=web"}),
        get("cm-list-selector-set", c, query={"labelSelector": "app in (web,api),tier!=back"}),
        get("cm-list-selector-exists", c, query={"labelSelector": "!tier"}),
        get("cm-list-bad-selector", c, query={"labelSelector": "app=="}),
        get("cm-list-bad-selector-value", c, query={"labelSelector": "app=bad value"}),
        get("cm-list-field-selector", c, query={"fieldSelector": "metadata.name=a"}),
        get("cm-list-bad-field-selector", c, query={"fieldSelector": "data.k=v"}),
        get("cm-list-limit", c, query={"limit": "1"}, save="page1"),
        get("cm-list-continue", c, query={"limit": "1", "continue": "{continue:page1}"}),
        get("cm-list-bad-continue", c, query={"limit": "1", "continue": "not-a-token"}),
        get("cm-list-rv-too-new", c, query={"resourceVersion": "999999999", "resourceVersionMatch": "NotOlderThan"}),
        get("cm-list-rvmatch-without-rv", c, query={"resourceVersionMatch": "Exact"}),
        get("cm-list-bad-rvmatch", c, query={"resourceVersion": "0", "resourceVersionMatch": "Later"}),
        get("cm-list-all-namespaces-selector", "/api/v1/configmaps", query={"labelSelector": "tier=front"}),
        get("cm-table", f"{c}/a", accept=TABLE),
        get("cm-table-list", c, accept=TABLE, query={"labelSelector": "app=web"}),
        get("cm-partial", f"{c}/a", accept=PARTIAL),
        get("cm-partial-list", c, accept=PARTIAL_LIST, query={"labelSelector": "app=web"}),
        get("cm-not-acceptable", f"{c}/a", accept="text/html"),
        delete("cm-delete-precondition-uid", f"{c}/b", {"preconditions": {"uid": "nope"}}),
        delete("cm-delete-precondition-rv", f"{c}/b", {"preconditions": {"resourceVersion": "1"}}),
        delete("cm-delete-bad-propagation", f"{c}/b", {"propagationPolicy": "Sometimes"}),
        delete("cm-delete-dry-run", f"{c}/b", query={"dryRun": "All"}),
        delete("cm-delete", f"{c}/b"),
        delete("cm-delete-missing", f"{c}/b"),
        delete("cm-deletecollection", c, query={"labelSelector": "nothing=here"}),
        post("cm-create-finalizer", c, cm("fin", {"k": "v"}, finalizers=["example.com/keep"])),
        delete("cm-delete-finalizer", f"{c}/fin"),
        get("cm-get-terminating", f"{c}/fin"),
        patch("cm-patch-drop-finalizer", f"{c}/fin", MERGE, {"metadata": {"finalizers": None}}),
        get("cm-get-after-finalizer", f"{c}/fin"),
    ]


def _types() -> list[Probe]:
    """Wrong JSON types at every depth: the real decoder refuses them (400) before validation runs."""
    c = f"{NS}/configmaps"
    d = f"{APPS}/deployments"
    p = f"{NS}/pods"
    s = f"{NS}/services"
    dep = deployment("typed")
    out = [
        post("type-cm-data-int", c, cm("t1", {"a": 1})),
        post("type-cm-data-list", c, cm("t2", ["a"])),
        post("type-cm-data-null-value", c, cm("t3", {"a": None})),
        post("type-cm-data-bool", c, cm("t4", {"a": True})),
        post("type-cm-binary-not-base64", c, {**cm("t5"), "binaryData": {"b": "%%%"}}),
        post("type-cm-immutable-string", c, {**cm("t6"), "immutable": "yes"}),
        post("type-labels-list", c, cm("t7", labels=["a"])),
        post("type-labels-int-value", c, cm("t8", labels={"a": 1})),
        post("type-annotations-int", c, cm("t9", annotations={"a": 2})),
        post("type-name-int", c, {"metadata": {"name": 5}}),
        post("type-metadata-string", c, {"metadata": "x"}),
        post("type-finalizers-string", c, cm("t10", finalizers="x")),
        post("type-owner-refs-object", c, cm("t11", ownerReferences={"a": "b"})),
        post("type-body-list", c, [cm("t12")]),
        post("type-body-string", c, "configmap"),
        post("type-body-null", c, None, content_type="application/json"),
        post("type-deploy-replicas-string", d, setting(dep, "spec.replicas", "two")),
        post("type-deploy-replicas-float", d, setting(dep, "spec.replicas", 1.5)),
        post("type-deploy-replicas-bool", d, setting(dep, "spec.replicas", True)),
        post("type-deploy-replicas-huge", d, setting(dep, "spec.replicas", 2**40)),
        post("type-deploy-selector-string", d, setting(dep, "spec.selector", "app=typed")),
        post("type-deploy-containers-object", d, setting(dep, "spec.template.spec.containers", {"name": "x"})),
        post("type-deploy-container-name-int", d, setting(dep, "spec.template.spec.containers.0.name", 7)),
        post(
            "type-deploy-container-port-string",
            d,
            setting(dep, "spec.template.spec.containers.0.ports", [{"containerPort": "80"}]),
        ),
        post("type-deploy-env-map", d, setting(dep, "spec.template.spec.containers.0.env", {"A": "b"})),
        post(
            "type-deploy-env-value-int",
            d,
            setting(dep, "spec.template.spec.containers.0.env", [{"name": "A", "value": 1}]),
        ),
        post("type-deploy-strategy-list", d, setting(dep, "spec.strategy", ["RollingUpdate"])),
        post(
            "type-deploy-maxsurge-bool",
            d,
            setting(dep, "spec.strategy", {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": True}}),
        ),
        post("type-deploy-template-labels-list", d, setting(dep, "spec.template.metadata.labels", ["app"])),
        post(
            "type-deploy-resources-limit-bad",
            d,
            setting(dep, "spec.template.spec.containers.0.resources", {"limits": {"cpu": "lots"}}),
        ),
        post(
            "type-deploy-resources-limit-int",
            d,
            setting(dep, "spec.template.spec.containers.0.resources", {"limits": {"cpu": 2}}),
        ),
        post("type-deploy-spec-string", d, setting(dep, "spec", "x")),
        post("type-pod-containers-null", p, setting(pod("tp"), "spec.containers", None)),
        post("type-pod-args-string", p, setting(pod("tp2"), "spec.containers.0.args", "a b")),
        post("type-pod-hostnetwork-string", p, setting(pod("tp3"), "spec.hostNetwork", "true")),
        post("type-pod-grace-string", p, setting(pod("tp4"), "spec.terminationGracePeriodSeconds", "30")),
        post("type-pod-node-selector-list", p, setting(pod("tp5"), "spec.nodeSelector", ["a"])),
        post("type-svc-port-string", s, service("ts1", [{"port": "80"}])),
        post("type-svc-port-float", s, service("ts2", [{"port": 80.5}])),
        post("type-svc-targetport-bool", s, service("ts3", [{"port": 80, "targetPort": False}])),
        post("type-svc-ports-object", s, service("ts4", {"port": 80})),
        post("type-svc-selector-int", s, service("ts5", [{"port": 80}], selector={"a": 1})),
        post("secret-create", f"{NS}/secrets", secret("s1", data={"a": "aGk="}, stringData={"b": "yo"})),
        post(
            "secret-create-typed",
            f"{NS}/secrets",
            secret("s2", type="kubernetes.io/tls", data={"tls.crt": "", "tls.key": ""}),
        ),
        post(
            "secret-create-tls-missing", f"{NS}/secrets", secret("s3", type="kubernetes.io/tls", data={"tls.crt": ""})
        ),
        post("secret-create-bad-key", f"{NS}/secrets", secret("s4", data={"a/b": "aGk="})),
        post("type-secret-data-int", f"{NS}/secrets", secret("ts6", data={"a": 1})),
        post("type-secret-data-not-base64", f"{NS}/secrets", secret("ts7", data={"a": "!!"})),
        post("type-secret-stringdata-int", f"{NS}/secrets", secret("ts8", stringData={"a": 1})),
        post(
            "type-namespace-spec-finalizers-int",
            "/api/v1/namespaces",
            {"metadata": {"name": "t{u}"}, "spec": {"finalizers": [1]}},
        ),
    ]
    return out


def _validation() -> list[Probe]:
    """Objects that decode but break the built-in rules: 422 Invalid with the fields at fault."""
    c = f"{NS}/configmaps"
    d = f"{APPS}/deployments"
    p = f"{NS}/pods"
    s = f"{NS}/services"
    return [
        post("val-name-upper", c, cm("Upper")),
        post("val-name-underscore", c, cm("a_b")),
        post("val-name-dots-ok", c, cm("a.b.c")),
        post("val-name-too-long", c, cm("a" * 254)),
        post("val-name-dash-start", c, cm("-a")),
        post("val-label-value-space", c, cm("l1", labels={"a": "b c"})),
        post("val-label-value-long", c, cm("l2", labels={"a": "x" * 64})),
        post("val-label-key-bad", c, cm("l3", labels={"a b": "c"})),
        post("val-label-key-prefix", c, cm("l4", labels={"example.com/a": "c"})),
        post("val-label-key-bad-prefix", c, cm("l5", labels={"Example_com/a": "c"})),
        post("val-label-key-empty", c, cm("l6", labels={"": "c"})),
        post("val-annotation-key-bad", c, cm("l7", annotations={"a b": "c"})),
        post("val-finalizer-bad", c, cm("l8", finalizers=["nodomain"])),
        post("val-finalizer-ok", c, cm("l9", finalizers=["example.com/x"])),
        patch("val-finalizer-clear", f"{c}/l9", MERGE, {"metadata": {"finalizers": None}}),
        post("val-namespace-mismatch", c, cm("l10", namespace="other")),
        post("val-kind-mismatch", c, {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "l11"}}),
        post("val-apiversion-mismatch", c, {"apiVersion": "v2", "kind": "ConfigMap", "metadata": {"name": "l12"}}),
        post("val-apiversion-group", c, {"apiVersion": "apps/v1", "kind": "ConfigMap", "metadata": {"name": "l13"}}),
        post("val-svc-no-ports", s, service("v1")),
        post("val-svc-port-zero", s, service("v2", [{"port": 0}])),
        post("val-svc-port-high", s, service("v3", [{"port": 70000}])),
        post("val-svc-two-ports-no-names", s, service("v4", [{"port": 80}, {"port": 81}])),
        post("val-svc-bad-protocol", s, service("v5", [{"port": 80, "protocol": "HTTP"}])),
        post("val-svc-bad-type", s, service("v6", [{"port": 80}], type="Public")),
        post("val-svc-name-dot", s, service("v.7", [{"port": 80}])),
        post("val-svc-headless-ok", s, service("v8", [{"port": 80}], clusterIP="None", selector={"app": "x"})),
        post("val-svc-ok", s, service("v9", [{"port": 80, "targetPort": 8080}], selector={"app": "web"})),
        post("val-pod-no-containers", p, setting(pod("vp1"), "spec.containers", [])),
        post("val-pod-container-no-name", p, setting(pod("vp2"), "spec.containers", [{"image": "x"}])),
        post("val-pod-container-no-image", p, setting(pod("vp3"), "spec.containers", [{"name": "x"}])),
        post("val-pod-container-bad-name", p, setting(pod("vp4"), "spec.containers", [container("Bad_Name")])),
        post("val-pod-duplicate-containers", p, setting(pod("vp5"), "spec.containers", [container(), container()])),
        post("val-pod-bad-restart", p, setting(pod("vp6"), "spec.restartPolicy", "Sometimes")),
        post("val-pod-port-zero", p, setting(pod("vp7"), "spec.containers.0.ports", [{"containerPort": 0}])),
        post("val-pod-ok", p, pod("vp8"), save="pod"),
        put("val-pod-update-image-ok", f"{p}/vp8", setting(pod("vp8"), "spec.containers.0.image", "busybox:1.37")),
        put("val-pod-update-immutable", f"{p}/vp8", setting(pod("vp8"), "spec.restartPolicy", "Never")),
        post("val-deploy-no-selector", d, setting(deployment("vd1"), "spec.selector", None)),
        post("val-deploy-selector-mismatch", d, deployment("vd2", labels={"app": "other"})),
        post("val-deploy-empty-selector", d, setting(deployment("vd3"), "spec.selector", {})),
        post("val-deploy-no-containers", d, setting(deployment("vd4"), "spec.template.spec.containers", [])),
        post("val-deploy-negative-replicas", d, deployment("vd5", replicas=-1)),
        post("val-deploy-ok", d, deployment("web"), save="deploy"),
        put(
            "val-deploy-selector-immutable",
            f"{d}/web",
            setting(
                setting(deployment("web"), "spec.selector.matchLabels", {"app": "web", "x": "y"}),
                "spec.template.metadata.labels",
                {"app": "web", "x": "y"},
            ),
        ),
        post("val-namespace-bad-name", "/api/v1/namespaces", {"metadata": {"name": "Bad.Name"}}),
        post("val-configmap-too-big", c, cm("big", {"k": "x" * (1024 * 1024 + 1)})),
    ]


def _field_validation() -> list[Probe]:
    c = f"{NS}/configmaps"
    d = f"{APPS}/deployments"
    unknown = {**cm("fv", {"k": "v"}), "extra": 1, "metadata": {"name": "fv", "bogus": True}}
    deep = setting(deployment("fvd"), "spec.template.spec.containers.0.colour", "red")
    dup = b'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"fvdup"},"data":{"k":"a"},"data":{"k":"b"}}'
    dup_key = b'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"fvdup2","name":"fvdup2"}}'
    out: list[Probe] = []
    for mode in ("Strict", "Warn", "Ignore"):
        m = mode.lower()
        q = {"fieldValidation": mode}
        out += [
            post(f"fv-{m}-unknown-create", c, setting(unknown, "metadata.name", f"fv-{m}"), query=q),
            post(f"fv-{m}-unknown-deep", d, setting(deep, "metadata.name", f"fvd-{m}"), query=q),
            post(f"fv-{m}-duplicate", c, dup.replace(b"fvdup", f"fvdup-{m}".encode()), query=q),
            post(f"fv-{m}-duplicate-meta", c, dup_key.replace(b"fvdup2", f"fvdupm-{m}".encode()), query=q),
            put(f"fv-{m}-unknown-update", f"{c}/a", {**cm("a", {"k": "v5"}), "stray": "x"}, query=q),
            patch(f"fv-{m}-unknown-merge", f"{c}/a", MERGE, {"stray": "y"}, query=q),
            patch(f"fv-{m}-unknown-strategic", f"{c}/a", STRATEGIC, {"stray": "z"}, query=q),
            patch(
                f"fv-{m}-unknown-apply",
                f"{c}/fvapply-{m}",
                APPLY,
                {**cm(f"fvapply-{m}", {"k": "v"}), "stray": 1},
                query={**q, "fieldManager": "t"},
            ),
        ]
    out += [
        post("fv-bad-mode", c, cm("fvbad"), query={"fieldValidation": "Loose"}),
        post("fv-default-unknown", c, {**cm("fvdefault"), "extra": 1}),
    ]
    return out


def _patches() -> list[Probe]:
    c = f"{NS}/configmaps"
    d = f"{APPS}/deployments"
    return [
        post("patch-setup", c, cm("pt", {"a": "1", "b": "2"}, labels={"x": "1"})),
        patch("patch-merge", f"{c}/pt", MERGE, {"data": {"a": "9", "b": None}}),
        patch("patch-merge-labels", f"{c}/pt", MERGE, {"metadata": {"labels": {"y": "2"}}}),
        patch("patch-merge-type-error", f"{c}/pt", MERGE, {"data": {"a": 1}}),
        patch("patch-merge-not-json", f"{c}/pt", MERGE, b"{not json"),
        patch("patch-merge-list", f"{c}/pt", MERGE, [1, 2]),
        patch("patch-merge-missing", f"{c}/nope", MERGE, {"data": {"a": "1"}}),
        patch("patch-merge-bad-label", f"{c}/pt", MERGE, {"metadata": {"labels": {"x": "bad value"}}}),
        patch("patch-merge-rename", f"{c}/pt", MERGE, {"metadata": {"name": "other"}}),
        patch("patch-strategic", f"{c}/pt", STRATEGIC, {"data": {"c": "3"}}),
        patch("patch-strategic-directive", f"{c}/pt", STRATEGIC, {"data": {"$patch": "replace", "z": "1"}}),
        patch("patch-json-add", f"{c}/pt", JSONPATCH, [{"op": "add", "path": "/data/j", "value": "1"}]),
        patch("patch-json-replace", f"{c}/pt", JSONPATCH, [{"op": "replace", "path": "/data/j", "value": "2"}]),
        patch("patch-json-remove", f"{c}/pt", JSONPATCH, [{"op": "remove", "path": "/data/j"}]),
        patch("patch-json-remove-missing", f"{c}/pt", JSONPATCH, [{"op": "remove", "path": "/data/nothere"}]),
        patch("patch-json-test-fail", f"{c}/pt", JSONPATCH, [{"op": "test", "path": "/data/z", "value": "no"}]),
        patch("patch-json-test-ok", f"{c}/pt", JSONPATCH, [{"op": "test", "path": "/data/z", "value": "1"}]),
        patch("patch-json-bad-op", f"{c}/pt", JSONPATCH, [{"op": "frobnicate", "path": "/data"}]),
        patch("patch-json-not-list", f"{c}/pt", JSONPATCH, {"op": "add"}),
        patch("patch-json-type-error", f"{c}/pt", JSONPATCH, [{"op": "add", "path": "/data/n", "value": 5}]),
        patch("patch-json-move", f"{c}/pt", JSONPATCH, [{"op": "move", "from": "/data/z", "path": "/data/m"}]),
        patch("patch-json-copy", f"{c}/pt", JSONPATCH, [{"op": "copy", "from": "/data/m", "path": "/data/n"}]),
        patch("patch-unsupported-type", f"{c}/pt", "text/plain", b"data"),
        patch("patch-deploy-replicas-x", f"{d}/web", MERGE, {"spec": {"replicas": "x"}}),
        patch("patch-deploy-replicas-negative", f"{d}/web", MERGE, {"spec": {"replicas": -3}}),
        patch(
            "patch-deploy-strategic-containers",
            f"{d}/web",
            STRATEGIC,
            {"spec": {"template": {"spec": {"containers": [{"name": "side", "image": "busybox:1.36"}]}}}},
        ),
        patch(
            "patch-deploy-strategic-delete",
            f"{d}/web",
            STRATEGIC,
            {"spec": {"template": {"spec": {"containers": [{"name": "side", "$patch": "delete"}]}}}},
        ),
        patch(
            "patch-deploy-selector-mismatch",
            f"{d}/web",
            MERGE,
            {"spec": {"template": {"metadata": {"labels": {"app": "zzz"}}}}},
        ),
        patch(
            "patch-deploy-containers-empty",
            f"{d}/web",
            JSONPATCH,
            [{"op": "replace", "path": "/spec/template/spec/containers", "value": []}],
        ),
        patch("patch-deploy-scale-merge", f"{d}/web", MERGE, {"spec": {"replicas": 3}}),
        patch("apply-create", f"{c}/ap", APPLY, cm("ap", {"a": "1"}), query={"fieldManager": "one"}),
        patch("apply-same", f"{c}/ap", APPLY, cm("ap", {"a": "1"}), query={"fieldManager": "one"}),
        patch("apply-conflict", f"{c}/ap", APPLY, cm("ap", {"a": "2"}), query={"fieldManager": "two"}),
        patch("apply-force", f"{c}/ap", APPLY, cm("ap", {"a": "2"}), query={"fieldManager": "two", "force": "true"}),
        patch("apply-shared", f"{c}/ap", APPLY, cm("ap", {"a": "2"}), query={"fieldManager": "one"}),
        patch("apply-drop-field", f"{c}/ap", APPLY, cm("ap", {"b": "1"}), query={"fieldManager": "one"}),
        patch("apply-no-manager", f"{c}/ap", APPLY, cm("ap", {"a": "1"})),
        patch("apply-type-error", f"{c}/ap", APPLY, cm("ap", {"a": 3}), query={"fieldManager": "one"}),
        patch("apply-force-without-apply", f"{c}/ap", MERGE, {"data": {"q": "1"}}, query={"force": "true"}),
        patch(
            "apply-kind-mismatch",
            f"{c}/ap",
            APPLY,
            {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "ap"}},
            query={"fieldManager": "one"},
        ),
        patch("apply-name-mismatch", f"{c}/ap", APPLY, cm("zz", {"a": "1"}), query={"fieldManager": "one"}),
        patch(
            "apply-yaml-text",
            f"{c}/apy",
            APPLY,
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: apy\ndata:\n  a: '1'\n",
            query={"fieldManager": "one"},
        ),
        patch("apply-bad-yaml", f"{c}/apy", APPLY, b"a: [\n", query={"fieldManager": "one"}),
        patch(
            "apply-dry-run",
            f"{c}/apdry",
            APPLY,
            cm("apdry", {"a": "1"}),
            query={"fieldManager": "one", "dryRun": "All"},
        ),
        get("apply-dry-run-absent", f"{c}/apdry"),
        patch("apply-deploy", f"{d}/applied", APPLY, deployment("applied", replicas=2), query={"fieldManager": "one"}),
        patch(
            "apply-deploy-invalid",
            f"{d}/applied",
            APPLY,
            deployment("applied", replicas=-2),
            query={"fieldManager": "one"},
        ),
    ]


def _subresources() -> list[Probe]:
    d = f"{APPS}/deployments"
    return [
        get("scale-get", f"{d}/web/scale"),
        put(
            "scale-update",
            f"{d}/web/scale",
            {
                "apiVersion": "autoscaling/v1",
                "kind": "Scale",
                "metadata": {"name": "web", "namespace": "{ns}"},
                "spec": {"replicas": 4},
            },
        ),
        put(
            "scale-update-negative",
            f"{d}/web/scale",
            {
                "apiVersion": "autoscaling/v1",
                "kind": "Scale",
                "metadata": {"name": "web", "namespace": "{ns}"},
                "spec": {"replicas": -1},
            },
        ),
        patch("scale-patch", f"{d}/web/scale", MERGE, {"spec": {"replicas": 2}}),
        patch("scale-patch-type", f"{d}/web/scale", MERGE, {"spec": {"replicas": "two"}}),
        get("scale-get-missing", f"{d}/nope/scale"),
        get("status-get", f"{d}/web/status"),
        patch("status-patch", f"{d}/web/status", MERGE, {"status": {"observedGeneration": 1}}),
        patch("status-patch-ignores-spec", f"{d}/web/status", MERGE, {"spec": {"replicas": 9}}),
        patch("status-patch-type", f"{d}/web/status", MERGE, {"status": {"replicas": "many"}}),
        get("status-after", f"{d}/web"),
        get("subresource-unknown", f"{d}/web/frobs"),
        get("deploy-table", d, accept=TABLE),
        get("deploy-get", f"{d}/web"),
        get("pod-table", f"{NS}/pods", accept=TABLE),
        get("svc-table", f"{NS}/services", accept=TABLE),
    ]


def _watch() -> list[Probe]:
    c = f"{NS}/configmaps"
    return [
        get("watch-setup-list", c, query={"labelSelector": "w=1"}, save="wlist"),
        get("watch-too-old", c, watch=True, query={"watch": "true", "resourceVersion": "1", "timeoutSeconds": "1"}),
        post("watch-add", c, cm("w1", {"a": "1"}, labels={"w": "1"})),
        patch("watch-modify", f"{c}/w1", MERGE, {"data": {"a": "2"}}),
        delete("watch-delete", f"{c}/w1"),
        get(
            "watch-events",
            c,
            watch=True,
            query={"watch": "true", "labelSelector": "w=1", "resourceVersion": "{rv:wlist}", "timeoutSeconds": "1"},
        ),
        get(
            "watch-bookmarks",
            c,
            watch=True,
            query={
                "watch": "true",
                "labelSelector": "w=1",
                "resourceVersion": "{rv:wlist}",
                "timeoutSeconds": "1",
                "allowWatchBookmarks": "true",
            },
        ),
        post("watch-add-2", c, cm("w2", {"a": "1"}, labels={"w": "2"})),
        get(
            "watchlist",
            c,
            watch=True,
            query={
                "watch": "true",
                "labelSelector": "w=2",
                "sendInitialEvents": "true",
                "resourceVersionMatch": "NotOlderThan",
                "allowWatchBookmarks": "true",
                "timeoutSeconds": "1",
            },
        ),
        get(
            "watchlist-no-bookmarks",
            c,
            watch=True,
            query={
                "watch": "true",
                "sendInitialEvents": "true",
                "resourceVersionMatch": "NotOlderThan",
                "timeoutSeconds": "1",
            },
        ),
        get(
            "watchlist-bad-match",
            c,
            watch=True,
            query={
                "watch": "true",
                "sendInitialEvents": "true",
                "resourceVersionMatch": "Exact",
                "allowWatchBookmarks": "true",
                "timeoutSeconds": "1",
            },
        ),
        get(
            "watch-rvmatch-forbidden",
            c,
            watch=True,
            query={
                "watch": "true",
                "resourceVersionMatch": "NotOlderThan",
                "resourceVersion": "0",
                "timeoutSeconds": "1",
            },
        ),
        get(
            "watch-name",
            "/api/v1/watch/namespaces/{ns}/configmaps/w2",
            watch=True,
            query={"resourceVersion": "0", "timeoutSeconds": "1"},
        ),
    ]


def _discovery() -> list[Probe]:
    return [
        get("disc-api", "/api"),
        get("disc-api-v1", "/api/v1"),
        get("disc-apis-apps", "/apis/apps"),
        get("disc-apis-apps-v1", "/apis/apps/v1"),
        get("disc-apis-batch-v1", "/apis/batch/v1"),
        get("disc-apis-rbac-v1", "/apis/rbac.authorization.k8s.io/v1"),
        get("disc-apis", "/apis", compare_body=False),
        get("disc-aggregated-api", "/api", accept=AGGREGATED, compare_body=False),
        get("disc-aggregated-apis", "/apis", accept=AGGREGATED, compare_body=False),
        get("disc-unknown-group", "/apis/nothing.example.com"),
        get("disc-unknown-group-version", "/apis/nothing.example.com/v1"),
        get("disc-unknown-version", "/api/v9"),
        get("disc-unknown-resource", f"{NS}/gizmos"),
        get("disc-unknown-resource-cluster", "/api/v1/gizmos"),
        get("openapi-v3-index", "/openapi/v3", compare_body=False),
        get("openapi-v3-core", "/openapi/v3/api/v1", compare_body=False),
        get("openapi-v3-apps", "/openapi/v3/apis/apps/v1", compare_body=False),
        get("openapi-v3-missing", "/openapi/v3/apis/nothing/v1"),
        get("healthz", "/healthz"),
        get("readyz", "/readyz"),
        get("livez", "/livez"),
    ]


def _field(number: int, payload: bytes) -> bytes:
    """One length-delimited protobuf field (all a ConfigMap needs): key, length, bytes."""
    out = bytearray([number << 3 | 2])
    size = len(payload)
    while size > 0x7F:
        out.append(size & 0x7F | 0x80)
        size >>= 7
    out.append(size)
    return bytes(out) + payload


def pb_configmap(name: str, data: dict[str, str]) -> bytes:
    """A ConfigMap as kubectl sends it in protobuf: the `k8s` magic with a zero byte and a runtime.Unknown around the object."""
    meta = _field(1, _field(1, name.encode()))
    entries = b"".join(_field(2, _field(1, k.encode()) + _field(2, v.encode())) for k, v in data.items())
    type_meta = _field(1, _field(1, b"v1") + _field(2, b"ConfigMap"))
    return b"k8s\x00" + type_meta + _field(2, meta + entries) + _field(3, b"") + _field(4, b"")


PROTOBUF = "application/vnd.kubernetes.protobuf"


def _protobuf() -> list[Probe]:
    c = f"{NS}/configmaps"
    return [
        post("pb-create", c, pb_configmap("pb1", {"a": "b"}), content_type=PROTOBUF, accept="application/json"),
        get("pb-get-json", f"{c}/pb1"),
        get("pb-get-protobuf", f"{c}/pb1", accept=PROTOBUF),
        get("pb-get-preferred", f"{c}/pb1", accept=f"{PROTOBUF},application/json"),
        get("pb-get-stream-param", f"{c}/pb1", accept=f"{PROTOBUF};stream=watch"),
        get("pb-list-preferred", c, accept=f"{PROTOBUF},application/json", query={"labelSelector": "none=here"}),
        post("pb-create-garbage", c, b"k8s\x00\xff\xff", content_type=PROTOBUF, accept="application/json"),
        post("pb-create-no-magic", c, b"\x0a\x00", content_type=PROTOBUF, accept="application/json"),
        post(
            "pb-create-duplicate", c, pb_configmap("pb1", {"a": "b"}), content_type=PROTOBUF, accept="application/json"
        ),
        *_protobuf_watch(),
    ]


PROTOBUF_WATCH = f"{PROTOBUF};stream=watch"
PROTOBUF_PARTIAL = f"{PROTOBUF};as=PartialObjectMetadata;v=v1;g=meta.k8s.io"


def _protobuf_watch() -> list[Probe]:
    """Watches answered in protobuf (kubectl and client-go with the protobuf content type): length-prefixed
    WatchEvents, the WatchList end BOOKMARK, the ERROR of a too old resourceVersion, and the forms negotiated beside."""
    c = f"{NS}/configmaps"
    since = {"watch": "true", "labelSelector": "pbw=1", "resourceVersion": "{rv:pbwlist}", "timeoutSeconds": "1"}
    watchlist = {
        "watch": "true",
        "labelSelector": "pbw=1",
        "sendInitialEvents": "true",
        "resourceVersionMatch": "NotOlderThan",
        "allowWatchBookmarks": "true",
        "timeoutSeconds": "1",
    }
    return [
        get("pb-watch-setup-list", c, query={"labelSelector": "pbw=1"}, save="pbwlist"),
        post("pb-watch-add", c, cm("pbw1", {"a": "1"}, labels={"pbw": "1"})),
        patch("pb-watch-modify", f"{c}/pbw1", MERGE, {"data": {"a": "2"}}),
        delete("pb-watch-delete", f"{c}/pbw1"),
        post("pb-watch-add-2", c, cm("pbw2", {"b": "1"}, labels={"pbw": "1"})),
        get("pb-watch-events", c, accept=PROTOBUF_WATCH, watch=True, query=since),
        get("pb-watch-plain-accept", c, accept=PROTOBUF, watch=True, query=since),
        get("pb-watch-preferred", c, accept=f"{PROTOBUF},application/json", watch=True, query=since),
        get("pb-watch-json-first", c, accept=f"application/json,{PROTOBUF_WATCH}", watch=True, query=since),
        get("pb-watchlist", c, accept=PROTOBUF_WATCH, watch=True, query=watchlist),
        get("pb-watch-metadata", c, accept=PROTOBUF_PARTIAL, watch=True, query=since),
        get("pb-watch-table", c, accept=f"{TABLE},{PROTOBUF_WATCH}", watch=True, query=since),
        get(
            "pb-watch-too-old",
            c,
            accept=PROTOBUF_WATCH,
            watch=True,
            query={"watch": "true", "resourceVersion": "1", "timeoutSeconds": "1"},
        ),
        # Refused before streaming: the Status comes in protobuf, as any answer to a client preferring it.
        get("pb-watch-bad-options", c, accept=PROTOBUF_WATCH, query={**since, "resourceVersionMatch": "Exact"}),
    ]


def _media() -> list[Probe]:
    c = f"{NS}/configmaps"
    return [
        post("media-not-json", c, b"{this is not json", content_type="application/json"),
        post("media-empty-body", c, b"", content_type="application/json"),
        post("media-unsupported", c, b"data", content_type="text/plain"),
        post("media-xml", c, b"<cm/>", content_type="application/xml"),
        post(
            "media-yaml",
            c,
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: yml\ndata:\n  a: b\n",
            content_type="application/yaml",
        ),
        post("media-yaml-bad", c, b"a: [\n", content_type="application/yaml"),
        post(
            "media-yaml-type-error",
            c,
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: yml2\ndata:\n  a: 1\n",
            content_type="application/yaml",
        ),
        post(
            "media-too-large", c, b'{"metadata":{"name":"huge"},"data":{"k":"' + b"x" * (3 * 1024 * 1024 + 10) + b'"}}'
        ),
        post("media-trailing-garbage", c, b'{"metadata":{"name":"trail"}} xx', content_type="application/json"),
        get("media-accept-yaml", f"{c}/a", accept="application/yaml"),
        post("media-put-on-collection", c, cm("x"), query={}),
        Probe("media-put-collection", "PUT", c, cm("x")),
        Probe("media-post-named", "POST", f"{c}/a", cm("a")),
        Probe("media-patch-collection", "PATCH", c, {"data": {}}, content_type=MERGE),
        Probe("media-options", "OPTIONS", c),
    ]


def _crd() -> list[Probe]:
    w = CR
    return [
        post("crd-create", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", CRD, ready=w),
        post("crd-duplicate", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", CRD),
        post("cr-create", w, widget("w1", {"size": "small", "code": "ABC", "port": 80, "tags": ["a"]}), save="cr"),
        get("cr-get", f"{w}/w1"),
        post("cr-missing-required", w, widget("w2", {"replicas": 1})),
        post("cr-enum", w, widget("w3", {"size": "huge"})),
        post("cr-pattern", w, widget("w4", {"size": "small", "code": "abc"})),
        post("cr-max-length", w, widget("w5", {"size": "small", "code": "ABCD"})),
        post("cr-minimum", w, widget("w6", {"size": "small", "replicas": -1})),
        post("cr-maximum", w, widget("w7", {"size": "small", "replicas": 11})),
        post("cr-type-string", w, widget("w8", {"size": 3})),
        post("cr-type-integer", w, widget("w9", {"size": "small", "replicas": "1"})),
        post("cr-type-integer-float", w, widget("w10", {"size": "small", "replicas": 1.5})),
        post("cr-type-number-int-ok", w, widget("w11", {"size": "small", "ratio": 2})),
        post("cr-type-boolean", w, widget("w12", {"size": "small", "flag": "yes"})),
        post("cr-int-or-string-bad", w, widget("w13", {"size": "small", "port": 1.5})),
        post("cr-int-or-string-ok", w, widget("w14", {"size": "small", "port": "http"})),
        post("cr-array-type", w, widget("w15", {"size": "small", "tags": "a"})),
        post("cr-array-item-type", w, widget("w16", {"size": "small", "tags": [1]})),
        post("cr-max-items", w, widget("w17", {"size": "small", "tags": ["a", "b", "c", "d"]})),
        post("cr-nested-required", w, widget("w18", {"size": "small", "owner": {}})),
        post("cr-nested-min-length", w, widget("w19", {"size": "small", "owner": {"name": "a"}})),
        post("cr-preserve-unknown", w, widget("w20", {"size": "small", "extra": {"any": {"thing": [1]}}})),
        post("cr-prune-unknown", w, widget("w21", {"size": "small", "bogus": 1})),
        post(
            "cr-prune-unknown-strict",
            w,
            widget("w22", {"size": "small", "bogus": 1}),
            query={"fieldValidation": "Strict"},
        ),
        post(
            "cr-prune-unknown-ignore",
            w,
            widget("w23", {"size": "small", "bogus": 1}),
            query={"fieldValidation": "Ignore"},
        ),
        post("cr-spec-string", w, widget("w24", "x")),
        post("cr-multiple-errors", w, widget("w25", {"size": "huge", "replicas": 20, "code": "x"})),
        post("cr-bad-name", w, widget("W_26", {"size": "small"})),
        post("cr-wrong-kind", w, {**widget("w27", {"size": "small"}), "kind": "Gadget"}),
        post("cr-wrong-version", w, {**widget("w28", {"size": "small"}), "apiVersion": f"{GROUP}/v2"}),
        post("cr-null-field", w, widget("w29", {"size": "small", "code": None})),
        post("cr-set-duplicate", w, widget("w31", {"size": "small", "hosts": ["a", "b", "a"]})),
        post("cr-set-ok", w, widget("w32", {"size": "small", "hosts": ["a", "b"]})),
        post(
            "cr-map-list-duplicate",
            w,
            widget("w33", {"size": "small", "listeners": [{"name": "x", "port": 1}, {"name": "x", "port": 2}]}),
        ),
        post("cr-map-list-missing-key", w, widget("w34", {"size": "small", "listeners": [{"port": 1}]})),
        post("cr-map-list-ok", w, widget("w35", {"size": "small", "listeners": [{"name": "x"}, {"name": "y"}]})),
        get("cr-list", w),
        get("pb-custom-preferred", w, accept=f"{PROTOBUF},application/json"),
        # Custom resources have no protobuf form: a watch streams JSON when the client takes it, else 406.
        get(
            "pb-custom-watch-preferred",
            w,
            accept=f"{PROTOBUF};stream=watch,application/json",
            watch=True,
            query={"watch": "true", "resourceVersion": "{rv:cr}", "timeoutSeconds": "1"},
        ),
        get("pb-custom-watch-only", w, accept=f"{PROTOBUF};stream=watch", query={"watch": "true"}),
        get("cr-table", w, accept=TABLE),
        patch("cr-patch-merge", f"{w}/w1", MERGE, {"spec": {"size": "large"}}),
        patch("cr-patch-merge-invalid", f"{w}/w1", MERGE, {"spec": {"size": "tiny"}}),
        patch(
            "cr-patch-json-invalid", f"{w}/w1", JSONPATCH, [{"op": "replace", "path": "/spec/replicas", "value": 99}]
        ),
        patch("cr-patch-strategic", f"{w}/w1", STRATEGIC, {"spec": {"size": "medium"}}),
        patch("cr-apply", f"{w}/w30", APPLY, widget("w30", {"size": "small"}), query={"fieldManager": "one"}),
        patch("cr-apply-invalid", f"{w}/w30", APPLY, widget("w30", {"size": "big"}), query={"fieldManager": "one"}),
        put("cr-update-invalid", f"{w}/w1", widget("w1", {"size": "small", "replicas": 50})),
        get("cr-scale", f"{w}/w1/scale"),
        patch("cr-scale-patch", f"{w}/w1/scale", MERGE, {"spec": {"replicas": 5}}),
        patch("cr-scale-patch-invalid", f"{w}/w1/scale", MERGE, {"spec": {"replicas": 50}}),
        patch("cr-status-patch", f"{w}/w1/status", MERGE, {"status": {"replicas": 2}}),
        patch("cr-status-patch-type", f"{w}/w1/status", MERGE, {"status": {"replicas": "two"}}),
        get("cr-after", f"{w}/w1"),
        get("cr-discovery", f"/apis/{GROUP}/v1"),
        delete("cr-delete", f"{w}/w1"),
        delete("crd-delete", f"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{CRD_NAME}"),
    ]


def _cluster_scoped() -> list[Probe]:
    return [
        post("ns-create", "/api/v1/namespaces", {"metadata": {"name": "x{u}"}}),
        get("ns-get", "/api/v1/namespaces/x{u}"),
        post("ns-create-in-missing-ns", "/api/v1/namespaces/missing{u}/configmaps", cm("a")),
        delete("ns-delete", "/api/v1/namespaces/x{u}"),
        post("ns-create-in-terminating", "/api/v1/namespaces/x{u}/configmaps", cm("a")),
        post(
            "crole-create",
            "/apis/rbac.authorization.k8s.io/v1/clusterroles",
            {"metadata": {"name": "r:{u}"}, "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]},
        ),
        post(
            "crole-bad-rules",
            "/apis/rbac.authorization.k8s.io/v1/clusterroles",
            {"metadata": {"name": "r2{u}"}, "rules": [{"apiGroups": [""], "resources": ["pods"]}]},
        ),
        post(
            "crole-rules-type",
            "/apis/rbac.authorization.k8s.io/v1/clusterroles",
            {"metadata": {"name": "r3{u}"}, "rules": {"verbs": ["get"]}},
        ),
        delete("crole-delete", "/apis/rbac.authorization.k8s.io/v1/clusterroles/r:{u}"),
        post("cluster-object-namespaced-path", f"{NS}/namespaces", {"metadata": {"name": "n"}}),
    ]


def probes() -> list[Probe]:
    out = [*_crud(), *_types(), *_validation(), *_field_validation(), *_patches(), *_subresources()]
    out += [*_watch(), *_discovery(), *_media(), *_protobuf(), *_crd(), *_cluster_scoped()]
    names = [p.name for p in out]
    duplicates = {n for n in names if names.count(n) > 1}
    assert not duplicates, f"probe names must be unique: {sorted(duplicates)}"
    return out
