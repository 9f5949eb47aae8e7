"""Defaulting of common built-in kinds, as the real server's SetDefaults_* functions fill them at decode time
(so `kubectl get -o yaml` shows the same fields): pod specs and templates, workloads, services."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from kubeclient.apidocs import Resource

Obj = dict[str, Any]


def container_defaults(c: Obj) -> None:
    """SetDefaults of a container, an init container or an ephemeral container."""
    if not isinstance(c, dict):
        return
    c.setdefault("resources", {})
    c.setdefault("terminationMessagePath", "/dev/termination-log")
    c.setdefault("terminationMessagePolicy", "File")
    if "imagePullPolicy" not in c:
        image = str(c.get("image") or "")
        tag = image.rsplit("/", 1)[-1].partition("@")[0]
        latest = ":" not in tag or tag.endswith(":latest")
        c["imagePullPolicy"] = "Always" if latest and "@" not in image else "IfNotPresent"
    for port in c.get("ports") or []:
        if isinstance(port, dict):
            port.setdefault("protocol", "TCP")


def pod_spec(spec: Any) -> None:
    if not isinstance(spec, dict):
        return
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for c in spec.get(key) or []:
            container_defaults(c)
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("securityContext", {})
    spec.setdefault("schedulerName", "default-scheduler")


def _template(spec: Obj) -> None:
    template = spec.get("template")
    if isinstance(template, dict):
        pod_spec(template.get("spec"))


def _deployment(obj: Obj) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("replicas", 1)
    _template(spec)
    strategy = spec.setdefault("strategy", {})
    strategy.setdefault("type", "RollingUpdate")
    if strategy["type"] == "RollingUpdate":
        rolling = strategy.setdefault("rollingUpdate", {})
        rolling.setdefault("maxUnavailable", "25%")
        rolling.setdefault("maxSurge", "25%")
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault("progressDeadlineSeconds", 600)


def _replicaset(obj: Obj) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("replicas", 1)
    _template(spec)


def _statefulset(obj: Obj) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("replicas", 1)
    _template(spec)
    spec.setdefault("podManagementPolicy", "OrderedReady")
    strategy = spec.setdefault("updateStrategy", {})
    strategy.setdefault("type", "RollingUpdate")
    if strategy["type"] == "RollingUpdate":
        strategy.setdefault("rollingUpdate", {}).setdefault("partition", 0)
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault("persistentVolumeClaimRetentionPolicy", {"whenDeleted": "Retain", "whenScaled": "Retain"})


def _daemonset(obj: Obj) -> None:
    spec = obj.setdefault("spec", {})
    _template(spec)
    strategy = spec.setdefault("updateStrategy", {})
    strategy.setdefault("type", "RollingUpdate")
    if strategy["type"] == "RollingUpdate":
        rolling = strategy.setdefault("rollingUpdate", {})
        rolling.setdefault("maxUnavailable", 1)
        rolling.setdefault("maxSurge", 0)
    spec.setdefault("revisionHistoryLimit", 10)


def _job_spec(spec: Obj) -> None:
    spec.setdefault("parallelism", 1)
    spec.setdefault("completions", 1)
    spec.setdefault("backoffLimit", 6)
    spec.setdefault("completionMode", "NonIndexed")
    spec.setdefault("suspend", False)
    _template(spec)


def _job(obj: Obj) -> None:
    _job_spec(obj.setdefault("spec", {}))


def _cronjob(obj: Obj) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("concurrencyPolicy", "Allow")
    spec.setdefault("suspend", False)
    spec.setdefault("successfulJobsHistoryLimit", 3)
    spec.setdefault("failedJobsHistoryLimit", 1)
    job_template = spec.get("jobTemplate")
    if isinstance(job_template, dict) and isinstance(job_template.get("spec"), dict):
        _template(job_template["spec"])


def _pod(obj: Obj) -> None:
    pod_spec(obj.setdefault("spec", {}))
    if isinstance(obj["spec"], dict):
        obj["spec"].setdefault("enableServiceLinks", True)


def _service(obj: Obj) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("type", "ClusterIP")
    spec.setdefault("sessionAffinity", "None")
    if spec.get("type") != "ExternalName":
        spec.setdefault("internalTrafficPolicy", "Cluster")
    for port in spec.get("ports") or []:
        if isinstance(port, dict):
            port.setdefault("protocol", "TCP")
            port.setdefault("targetPort", port.get("port"))


def _secret(obj: Obj) -> None:
    """Type Opaque by default; stringData is folded into data (base64), as the conversion to the internal type does."""
    obj.setdefault("type", "Opaque")
    plain = obj.pop("stringData", None)
    if isinstance(plain, dict):
        data = obj.setdefault("data", {})
        if isinstance(data, dict):
            for key, value in plain.items():
                data[key] = base64.b64encode(str(value).encode()).decode()


DEFAULTERS: dict[tuple[str, str], Callable[[Obj], None]] = {
    ("", "secrets"): _secret,
    ("apps", "deployments"): _deployment,
    ("apps", "replicasets"): _replicaset,
    ("apps", "statefulsets"): _statefulset,
    ("apps", "daemonsets"): _daemonset,
    ("batch", "jobs"): _job,
    ("batch", "cronjobs"): _cronjob,
    ("", "pods"): _pod,
    ("", "replicationcontrollers"): _replicaset,
    ("", "services"): _service,
}


def apply_defaults(res: Resource, obj: Obj) -> None:
    """Fill the defaults of `res`'s kind into `obj` in place (no-op for kinds without defaulters)."""
    defaulter = DEFAULTERS.get((res.group, res.plural))
    if defaulter is not None:
        defaulter(obj)


# What admission plugins and the registry add after decoding (so no manager owns these fields).
NOT_READY_TOLERATIONS = [
    {"key": f"node.kubernetes.io/{taint}", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}
    for taint in ("not-ready", "unreachable")
]


def on_create(res: Resource, obj: Obj, allocate_ip: Callable[[], str]) -> None:
    """Pods: Priority and DefaultTolerationSeconds admission; Services: a cluster IP from the service range."""
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return
    if (res.group, res.plural) == ("", "pods"):
        spec.setdefault("priority", 0)
        spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
        tolerations = spec.setdefault("tolerations", [])
        if isinstance(tolerations, list):
            keys = {t.get("key") for t in tolerations if isinstance(t, dict)}
            tolerations += [dict(t) for t in NOT_READY_TOLERATIONS if t["key"] not in keys]
    elif (res.group, res.plural) == ("", "services") and spec.get("type") != "ExternalName":
        if not spec.get("clusterIP"):
            spec["clusterIP"] = allocate_ip()
        spec.setdefault("clusterIPs", [spec["clusterIP"]])
        spec.setdefault("ipFamilies", ["IPv4"])
        spec.setdefault("ipFamilyPolicy", "SingleStack")
        obj["status"] = {"loadBalancer": {}}


# Fields the server set at creation that an update leaving them out keeps (Service IPs, Pod admission results).
KEPT_ON_UPDATE = {
    ("", "pods"): ("priority", "preemptionPolicy", "tolerations", "enableServiceLinks"),
    ("", "services"): ("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"),
}


def carry_over(res: Resource, old: Obj, new: Obj) -> None:
    """Copy into `new` (an update of `old`) the server-set fields of KEPT_ON_UPDATE that it does not give."""
    fields = KEPT_ON_UPDATE.get((res.group, res.plural), ())
    before, after = old.get("spec"), new.get("spec")
    if not fields or not isinstance(before, dict) or not isinstance(after, dict):
        return
    for field in fields:
        if field in before and field not in after:
            after[field] = before[field]
