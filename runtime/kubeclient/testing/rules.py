"""kube-apiserver's own validation of the built-in kinds users meet most (what `pkg/apis/*/validation` checks and
the OpenAPI schema cannot say): metadata keys and finalizers, ConfigMap/Secret keys, Pod containers, Service ports,
workload replicas, RBAC rules, and the fields an update may not change. Causes are worded as the real server words
them, field paths included."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from kubeclient.apidocs import Resource
from kubeclient.testing.status import Cause, go_value
from kubeclient.testing.validation import (
    DNS1123_LABEL,
    DNS1123_SUBDOMAIN,
    LABEL_MSG,
    QUALIFIED_MSG,
    QUALIFIED_NAME,
    SUBDOMAIN_MSG,
    WORKLOADS,
)

CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
CONFIG_KEY_MSG = (
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  "
    "or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
)
CONFIG_LIMIT = 1024 * 1024
SECRET_KEYS = {
    "kubernetes.io/tls": ("tls.crt", "tls.key"),
    "kubernetes.io/basic-auth": (),
    "kubernetes.io/ssh-auth": ("ssh-privatekey",),
    "kubernetes.io/dockerconfigjson": (".dockerconfigjson",),
    "kubernetes.io/dockercfg": (".dockercfg",),
}
STANDARD_FINALIZERS = {"kubernetes", "orphan", "foregroundDeletion"}
RESTART_POLICIES = ("Always", "OnFailure", "Never")
PROTOCOLS = ("SCTP", "TCP", "UDP")
SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
POD_MUTABLE = (
    "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,"
    "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),"
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"
)


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _invalid(value: Any, why: str, field: str) -> Cause:
    return Cause("FieldValueInvalid", f"Invalid value: {go_value(value)}: {why}", field)


def _required(field: str, detail: str = "") -> Cause:
    return Cause("FieldValueRequired", f"Required value: {detail}" if detail else "Required value", field)


def _not_supported(value: Any, supported: tuple[str, ...], field: str) -> Cause:
    listed = ", ".join(json.dumps(s) for s in supported)
    return Cause("FieldValueNotSupported", f"Unsupported value: {go_value(value)}: supported values: {listed}", field)


def qualified_name(key: str, field: str) -> list[Cause]:
    """A label or annotation key: an optional DNS-subdomain prefix and `/`, then a name of at most 63 characters."""
    prefix, slash, name = key.rpartition("/")
    causes = []
    if slash and (not prefix or len(prefix) > 253 or not DNS1123_SUBDOMAIN.match(prefix)):
        causes.append(_invalid(key, f"prefix part {SUBDOMAIN_MSG}", field))
    if not name:
        causes.append(_invalid(key, "name part must be non-empty", field))
    elif len(name) > 63:
        causes.append(_invalid(key, "name part must be no more than 63 characters", field))
    if not QUALIFIED_NAME.match(name):
        causes.append(_invalid(key, QUALIFIED_MSG, field))
    return causes


def validate_metadata(meta: Mapping[str, Any]) -> list[Cause]:
    """Annotation keys and finalizer names (label keys and values are validation.validate_labels')."""
    causes: list[Cause] = []
    for key in _map(meta.get("annotations")):
        causes += qualified_name(str(key), "metadata.annotations")
    for i, name in enumerate(_list(meta.get("finalizers"))):
        field = f"metadata.finalizers[{i}]"
        if not isinstance(name, str) or name in STANDARD_FINALIZERS:
            continue
        found = qualified_name(name, field)
        if found:
            causes += found
        elif "/" not in name:
            causes.append(_invalid(name, "name is neither a standard finalizer name nor is it fully qualified", field))
    return causes


def _config_keys(obj: Mapping[str, Any], fields: tuple[str, ...], limit: bool) -> list[Cause]:
    causes: list[Cause] = []
    size = 0
    for field in fields:
        for key, value in _map(obj.get(field)).items():
            if not CONFIG_KEY.match(str(key)) or len(str(key)) > 253:
                causes.append(_invalid(key, CONFIG_KEY_MSG, f"{field}[{key}]"))
            if field == "data" and fields[1] == "binaryData" and key in _map(obj.get("binaryData")):
                causes.append(_invalid(key, "duplicate of key present in binaryData", f"{field}[{key}]"))
            size += len(str(key)) + len(value if isinstance(value, str) else "")
    if limit and size > CONFIG_LIMIT:
        causes.append(Cause("FieldValueTooLong", f"Too long: may not be more than {CONFIG_LIMIT} bytes", "[]"))
    return causes


def _containers(spec: Mapping[str, Any], path: str) -> list[Cause]:
    causes: list[Cause] = []
    names: set[str] = set()
    for i, item in enumerate(_list(spec.get("containers"))):
        c = _map(item)
        here = f"{path}.containers[{i}]"
        name = c.get("name")
        if not name:
            causes.append(_required(f"{here}.name"))
        elif not DNS1123_LABEL.match(str(name)) or len(str(name)) > 63:
            causes.append(_invalid(name, LABEL_MSG, f"{here}.name"))
        elif name in names:
            causes.append(Cause("FieldValueDuplicate", f"Duplicate value: {go_value(name)}", f"{here}.name"))
        if name:
            names.add(str(name))
        if not c.get("image"):
            causes.append(_required(f"{here}.image"))
        for j, port in enumerate(_list(c.get("ports"))):
            number = _map(port).get("containerPort")
            field = f"{here}.ports[{j}].containerPort"
            if not number:
                causes.append(_required(field))
            elif not 1 <= number <= 65535:
                causes.append(_invalid(number, "must be between 1 and 65535, inclusive", field))
    policy = spec.get("restartPolicy")
    if policy is not None and policy not in RESTART_POLICIES:
        causes.append(_not_supported(policy, RESTART_POLICIES, f"{path}.restartPolicy"))
    return causes


def _service(spec: Mapping[str, Any]) -> list[Cause]:
    causes: list[Cause] = []
    kind = spec.get("type") or "ClusterIP"
    if kind not in SERVICE_TYPES:
        causes.append(_not_supported(kind, SERVICE_TYPES, "spec.type"))
    ports = _list(spec.get("ports"))
    if not ports and kind != "ExternalName" and spec.get("clusterIP") != "None":
        causes.append(_required("spec.ports"))
    for i, item in enumerate(ports):
        p = _map(item)
        here = f"spec.ports[{i}]"
        if len(ports) > 1 and not p.get("name"):
            causes.append(_required(f"{here}.name"))
        port = p.get("port")
        if not isinstance(port, int) or not 1 <= port <= 65535:
            causes.append(_invalid(port, "must be between 1 and 65535, inclusive", f"{here}.port"))
        target = p.get("targetPort", port)
        if isinstance(target, int) and not 1 <= target <= 65535:
            causes.append(_invalid(target, "must be between 1 and 65535, inclusive", f"{here}.targetPort"))
        protocol = p.get("protocol")
        if protocol is not None and protocol not in PROTOCOLS:
            causes.append(_not_supported(protocol, PROTOCOLS, f"{here}.protocol"))
    return causes


def validate_kind(res: Resource, obj: Mapping[str, Any]) -> list[Cause]:
    """The create-time rules of `res`'s kind beyond workload selectors (see validation.validate_builtin)."""
    key = (res.group, res.plural)
    spec = _map(obj.get("spec"))
    causes = validate_metadata(_map(obj.get("metadata")))
    if key == ("", "configmaps"):
        causes += _config_keys(obj, ("data", "binaryData"), limit=True)
    elif key == ("", "secrets"):
        causes += _config_keys(obj, ("data", "stringData"), limit=False)
        for needed in SECRET_KEYS.get(str(obj.get("type") or ""), ()):
            if needed not in _map(obj.get("data")):
                causes.append(_required(f"data[{needed}]"))
    elif key == ("", "pods"):
        causes += _containers(spec, "spec")
    elif key == ("", "services"):
        causes += _service(spec)
    elif key in WORKLOADS:
        replicas = spec.get("replicas")
        if isinstance(replicas, int) and replicas < 0:
            causes.append(_invalid(replicas, "must be greater than or equal to 0", "spec.replicas"))
        template = _map(spec.get("template"))
        labels = _map(_map(template.get("metadata")).get("labels"))
        if not isinstance(spec.get("selector"), Mapping):
            causes.append(
                _invalid(dict(labels), "`selector` does not match template `labels`", "spec.template.metadata.labels")
            )
        if _list(_map(template.get("spec")).get("containers")):
            causes += _containers(_map(template.get("spec")), "spec.template.spec")
    elif res.group == "rbac.authorization.k8s.io" and res.plural in ("roles", "clusterroles"):
        for i, rule in enumerate(_list(obj.get("rules"))):
            if not _list(_map(rule).get("verbs")):
                causes.append(_required(f"rules[{i}].verbs", "verbs must contain at least one value"))
    return causes


def _pod_spec_fixed(spec: Mapping[str, Any]) -> dict[str, Any]:
    out = json.loads(json.dumps(spec))
    for field in ("activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds"):
        out.pop(field, None)
    for group in ("containers", "initContainers"):
        for c in _list(out.get(group)):
            if isinstance(c, dict):
                c.pop("image", None)
    return dict(out)


def validate_update(res: Resource, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Cause]:
    """Fields an update may not change: immutable ConfigMaps/Secrets, a Pod's spec, a workload's selector."""
    key = (res.group, res.plural)
    causes: list[Cause] = []
    if key in (("", "configmaps"), ("", "secrets")) and old.get("immutable") is True:
        for field in ("data", "binaryData") if key[1] == "configmaps" else ("data", "stringData"):
            if field != "stringData" and old.get(field) != new.get(field):
                causes.append(
                    Cause("FieldValueForbidden", "Forbidden: field is immutable when `immutable` is set", field)
                )
        if new.get("immutable") is not True:
            causes.append(
                Cause("FieldValueForbidden", "Forbidden: field is immutable when `immutable` is set", "immutable")
            )
    elif key == ("", "pods"):
        if _pod_spec_fixed(_map(old.get("spec"))) != _pod_spec_fixed(_map(new.get("spec"))):
            causes.append(Cause("FieldValueForbidden", f"Forbidden: {POD_MUTABLE}", "spec"))
    elif key in WORKLOADS:
        before, after = _map(old.get("spec")).get("selector"), _map(new.get("spec")).get("selector")
        if before != after:
            shown = json.dumps(after, separators=(",", ":"))
            causes.append(Cause("FieldValueInvalid", f"Invalid value: {shown}: field is immutable", "spec.selector"))
    return causes


def dry_run(values: list[str], options_kind: str) -> list[Cause]:
    """The dryRun query parameter: only "All" is defined."""
    bad = [v for v in values if v != "All"]
    if not bad:
        return []
    shown = "[" + ",".join(json.dumps(v) for v in values) + "]"
    return [Cause("FieldValueNotSupported", f'Unsupported value: {shown}: supported values: "All"', "dryRun")]


def warnings_for(res: Resource, obj: Mapping[str, Any]) -> list[str]:
    """Warnings kube-apiserver's strategies add to a successful write (a TLS secret whose certificate is not PEM)."""
    if (res.group, res.plural) == ("", "secrets") and obj.get("type") == "kubernetes.io/tls":
        import base64
        import binascii

        try:
            cert = base64.b64decode(str(_map(obj.get("data")).get("tls.crt") or ""))
        except (binascii.Error, ValueError):
            cert = b""
        if b"-----BEGIN" not in cert:
            return ["tls: failed to find any PEM data in certificate input"]
    return []
