"""A second synthetic PodList, made independently of podlist.py with other shapes and proportions, so that decode and
memory figures are not tuned to one list.

Where podlist.py has uniform service pods with managedFields about half of the bytes, this one mixes the pods of
a whole cluster: batch pods that finished (Succeeded or Failed, with termination messages), DaemonSet pods on the
host network with host paths and many tolerations, StatefulSet pods with claims, init containers and sidecars,
restricted security contexts, topology spread constraints, readiness gates, quantities in every unit, large
`last-applied-configuration` annotations and long label sets; managedFields are a controller's entry three levels
deep and the kubelet's status entry (about a fifth of the bytes, against half in podlist.py). Pods range from 4 KB
to 15 KB (8 KB median). The same seed gives the same bytes.
"""

from __future__ import annotations

import json
import random
import uuid
from typing import Any

KINDS = ("Job", "DaemonSet", "StatefulSet", "ReplicaSet")
UNITS = ("100m", "250m", "1", "1.5", "2", "64Mi", "128Mi", "512Mi", "1Gi", "2G", "500M", "4Gi")


def _time(rng: random.Random) -> str:
    day = f"2026-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
    return f"{day}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}Z"


def _fields(value: Any, depth: int) -> dict[str, Any]:
    """The fieldsV1 set of `value` as a manager that wrote all of it, to `depth` levels."""
    if depth == 0 or not isinstance(value, dict | list):
        return {}
    if isinstance(value, list):
        named = [v for v in value if isinstance(v, dict) and "name" in v]
        return {f'k:{{"name":"{v["name"]}"}}': {".": {}, **_fields(v, depth - 1)} for v in named}
    return {f"f:{k}": _fields(v, depth - 1) for k, v in value.items()}


def _name(rng: random.Random, stem: str) -> str:
    return f"{stem}-{rng.getrandbits(40):010x}"[: 20 + rng.randrange(20)]


def _resources(rng: random.Random) -> dict[str, Any]:
    requests = {"cpu": rng.choice(UNITS[:5]), "memory": rng.choice(UNITS[5:])}
    if rng.random() < 0.3:
        requests["ephemeral-storage"] = rng.choice(("1Gi", "10Gi", "500Mi"))
    out: dict[str, Any] = {"requests": requests}
    if rng.random() < 0.6:
        out["limits"] = {"memory": rng.choice(UNITS[5:])}
    return out


def _security(rng: random.Random) -> dict[str, Any]:
    return {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": rng.random() < 0.5,
        "runAsNonRoot": True,
        "runAsUser": 1000 + rng.randrange(60000),
        "capabilities": {"drop": ["ALL"], **({"add": ["NET_BIND_SERVICE"]} if rng.random() < 0.2 else {})},
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def _container(rng: random.Random, name: str, kind: str) -> dict[str, Any]:
    container: dict[str, Any] = {
        "name": name,
        "image": f"ghcr.io/{rng.choice(('acme', 'infra', 'data'))}/{name}@sha256:{rng.getrandbits(256):064x}",
        "resources": _resources(rng),
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": rng.choice(("File", "FallbackToLogsOnError")),
        "imagePullPolicy": rng.choice(("Always", "IfNotPresent")),
        "securityContext": _security(rng),
    }
    if kind == "Job":
        container["command"] = ["python", "-m", "batch.run"]
        container["args"] = [f"--shard={rng.randrange(64)}", f"--date={_time(rng)[:10]}"]
    else:
        container["ports"] = [
            {"containerPort": p, "protocol": "TCP"} for p in rng.sample(range(1024, 20000), 1 + rng.randrange(3))
        ]
        probe = {
            "tcpSocket": {"port": container["ports"][0]["containerPort"]},
            "periodSeconds": 5,
            "failureThreshold": 6,
        }
        container["readinessProbe"] = probe
        container["startupProbe"] = {**probe, "failureThreshold": 30}
    container["env"] = [
        {"name": f"{name.upper().replace('-', '_')}_{i}", "value": "x" * rng.randrange(1, 80)}
        for i in range(rng.randrange(0, 14))
    ]
    container["envFrom"] = [{"configMapRef": {"name": _name(rng, "cfg")}}] if rng.random() < 0.4 else []
    container["volumeMounts"] = [
        {"name": f"vol-{i}", "mountPath": f"/mnt/{i}", "readOnly": rng.random() < 0.5}
        for i in range(rng.randrange(1, 5))
    ]
    return container


def _volumes(rng: random.Random, kind: str, mounts: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i in range(mounts):
        choice = rng.randrange(5) if kind != "DaemonSet" else 4
        source: dict[str, Any]
        if choice == 0:
            source = {"configMap": {"name": _name(rng, "cm"), "defaultMode": 420}}
        elif choice == 1:
            source = {"secret": {"secretName": _name(rng, "sec"), "optional": True}}
        elif choice == 2:
            source = {"emptyDir": {"sizeLimit": rng.choice(("1Gi", "256Mi"))}}
        elif choice == 3 and kind == "StatefulSet":
            source = {"persistentVolumeClaim": {"claimName": _name(rng, "data")}}
        else:
            source = {
                "hostPath": {"path": f"/var/lib/{rng.choice(('kubelet', 'containers', 'log'))}", "type": "Directory"}
            }
        out.append({"name": f"vol-{i}", **source})
    return out


def _status(rng: random.Random, kind: str, containers: list[dict[str, Any]]) -> dict[str, Any]:
    phase = (
        rng.choice(("Succeeded", "Succeeded", "Failed"))
        if kind == "Job"
        else rng.choice(("Running",) * 8 + ("Pending",))
    )
    ip = f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)}"
    statuses = []
    for c in containers:
        state: dict[str, Any]
        if phase in ("Succeeded", "Failed"):
            code = 0 if phase == "Succeeded" else rng.choice((1, 2, 137))
            state = {
                "terminated": {
                    "exitCode": code,
                    "reason": "Completed" if code == 0 else "Error",
                    "startedAt": _time(rng),
                    "finishedAt": _time(rng),
                    "containerID": f"containerd://{rng.getrandbits(256):064x}",
                }
            }
            if code:
                state["terminated"]["message"] = "Traceback (most recent call last):\n" + "  frame\n" * rng.randrange(
                    1, 30
                )
        elif phase == "Pending":
            state = {
                "waiting": {
                    "reason": rng.choice(("ContainerCreating", "ImagePullBackOff")),
                    "message": "Back-off pulling image",
                }
            }
        else:
            state = {"running": {"startedAt": _time(rng)}}
        statuses.append(
            {
                "name": c["name"],
                "state": state,
                "ready": phase == "Running",
                "restartCount": rng.choice((0, 0, 0, 1, 7)),
                "image": c["image"],
                "imageID": c["image"],
                "started": phase == "Running",
                **(
                    {
                        "lastState": {
                            "terminated": {
                                "exitCode": 137,
                                "reason": "OOMKilled",
                                "startedAt": _time(rng),
                                "finishedAt": _time(rng),
                            }
                        }
                    }
                    if rng.random() < 0.1
                    else {}
                ),
            }
        )
    conditions = [
        {
            "type": t,
            "status": "True" if phase == "Running" or t == "PodScheduled" else "False",
            "lastTransitionTime": _time(rng),
            "lastProbeTime": None,
        }
        for t in ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")
    ]
    return {
        "phase": phase,
        "conditions": conditions,
        "hostIP": f"192.168.{rng.randrange(4)}.{rng.randrange(256)}",
        "podIP": ip,
        "podIPs": [{"ip": ip}],
        "startTime": _time(rng),
        "qosClass": rng.choice(("Burstable", "BestEffort", "Guaranteed")),
        "containerStatuses": statuses,
    }


def make_pod(rng: random.Random, index: int) -> dict[str, Any]:
    kind = rng.choice(KINDS)
    app = rng.choice(("ingest", "billing", "node-exporter", "postgres", "nightly-report", "fluent-bit", "search"))
    name = f"{app}-{index:05d}-{rng.getrandbits(20):05x}"
    containers = [_container(rng, app, kind)] + [
        _container(rng, f"sidecar-{i}", kind) for i in range(rng.choice((0, 0, 1, 2)))
    ]
    labels = {
        f"{rng.choice(('app.kubernetes.io', 'team.acme.io', 'cost'))}/{k}": _name(rng, k)[:30]
        for k in rng.sample(("name", "instance", "component", "part-of", "owner", "tier", "env"), 2 + rng.randrange(6))
    }
    spec: dict[str, Any] = {
        "containers": containers,
        "volumes": _volumes(rng, kind, max(len(c["volumeMounts"]) for c in containers)),
        "restartPolicy": "Never" if kind == "Job" else "Always",
        "serviceAccountName": app,
        "nodeName": f"node-{rng.randrange(300)}",
        "priorityClassName": rng.choice(("", "system-node-critical", "high")),
        "tolerations": [
            {"key": f"node.kubernetes.io/{t}", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}
            for t in ("not-ready", "unreachable")
        ]
        + ([{"operator": "Exists"}] * 6 if kind == "DaemonSet" else []),
        "securityContext": {"fsGroup": 2000, "seccompProfile": {"type": "RuntimeDefault"}},
    }
    if kind == "DaemonSet":
        spec["hostNetwork"] = True
        spec["dnsPolicy"] = "ClusterFirstWithHostNet"
    if rng.random() < 0.4:
        spec["initContainers"] = [_container(rng, "init-schema", "Job")]
    if kind in ("StatefulSet", "ReplicaSet"):
        spec["topologySpreadConstraints"] = [
            {
                "maxSkew": 1,
                "topologyKey": "topology.kubernetes.io/zone",
                "whenUnsatisfiable": "DoNotSchedule",
                "labelSelector": {"matchLabels": dict(list(labels.items())[:2])},
            }
        ]
        spec["readinessGates"] = [{"conditionType": "target-health.elbv2.k8s.aws/ready"}] if rng.random() < 0.3 else []
    annotations: dict[str, str] = {}
    if rng.random() < 0.35:
        annotations["kubectl.kubernetes.io/last-applied-configuration"] = json.dumps(
            {"spec": {"containers": containers[:1]}}
        )
    manager = {
        "Job": "job-controller",
        "DaemonSet": "daemonset-controller",
        "StatefulSet": "statefulset-controller",
        "ReplicaSet": "replicaset-controller",
    }[kind]
    managed = [
        {
            "manager": manager,
            "operation": "Update",
            "apiVersion": "v1",
            "time": _time(rng),
            "fieldsType": "FieldsV1",
            "fieldsV1": {"f:metadata": {"f:labels": {f"f:{k}": {} for k in labels}}, "f:spec": _fields(spec, 3)},
        }
    ]
    if rng.random() < 0.7:
        managed.append(
            {
                "manager": "kubelet",
                "operation": "Update",
                "apiVersion": "v1",
                "time": _time(rng),
                "fieldsType": "FieldsV1",
                "subresource": "status",
                "fieldsV1": {"f:status": {"f:phase": {}, "f:podIP": {}}},
            }
        )
    return {
        "metadata": {
            "name": name,
            "generateName": name[:-5],
            "namespace": rng.choice(("prod", "batch", "kube-system", "monitoring", "data")),
            "uid": str(uuid.UUID(int=rng.getrandbits(128))),
            "resourceVersion": str(10_000_000 + index),
            "creationTimestamp": _time(rng),
            "labels": labels,
            "annotations": annotations,
            "ownerReferences": [
                {
                    "apiVersion": "batch/v1" if kind == "Job" else "apps/v1",
                    "kind": kind,
                    "name": f"{app}-{rng.getrandbits(24):06x}",
                    "uid": str(uuid.UUID(int=rng.getrandbits(128))),
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
            "managedFields": managed,
        },
        "spec": spec,
        "status": _status(rng, kind, containers),
    }


def make_pod_list(count: int = 5000, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    items = [make_pod(rng, index) for index in range(count)]
    return {
        "kind": "PodList",
        "apiVersion": "v1",
        "metadata": {"resourceVersion": str(20_000_000 + count)},
        "items": items,
    }


def pod_list_bytes(count: int = 5000, seed: int = 7) -> bytes:
    return json.dumps(make_pod_list(count, seed), separators=(",", ":")).encode()


def main() -> None:
    from podlist import main as write_list

    write_list(pod_list_bytes, seed=7, doc=__doc__)


if __name__ == "__main__":
    main()
