"""A deterministic synthetic PodList of realistic pods (~10 KB each), the input of the decode benchmarks.

Shaped like what a busy cluster returns for `GET /api/v1/pods`: owner references, one or two containers with env,
ports, probes, resources and mounts, projected volumes, tolerations, affinity, a full status with conditions and
container statuses, and managedFields as the server keeps them: an entry per manager listing every field it set,
about half of the pod's bytes as on real pods. The same seed gives the same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

STAMP = "2026-11-01T10:{m:02d}:{s:02d}Z"


def _ts(rng: random.Random) -> str:
    return STAMP.format(m=rng.randrange(60), s=rng.randrange(60))


def _container(rng: random.Random, name: str) -> dict[str, Any]:
    return {
        "name": name,
        "image": f"registry.example.com/team/{name}:v1.{rng.randrange(40)}.{rng.randrange(9)}",
        "imagePullPolicy": "IfNotPresent",
        "command": ["/bin/server"],
        "args": [f"--port={8000 + rng.randrange(100)}", "--log-level=info", "--metrics"],
        "ports": [
            {"name": "http", "containerPort": 8080, "protocol": "TCP"},
            {"name": "metrics", "containerPort": 9090, "protocol": "TCP"},
        ],
        "env": [{"name": f"ENV_VAR_{i}", "value": f"value-{rng.randrange(10**6)}"} for i in range(6)]
        + [
            {"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}},
            {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}},
        ],
        "resources": {
            "limits": {"cpu": "1", "memory": f"{rng.choice([256, 512, 1024])}Mi"},
            "requests": {"cpu": f"{rng.choice([100, 250, 500])}m", "memory": "128Mi"},
        },
        "volumeMounts": [
            {"name": "config", "mountPath": "/etc/config", "readOnly": True},
            {"name": "kube-api-access", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": True},
        ],
        "livenessProbe": {
            "httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP"},
            "initialDelaySeconds": 10,
            "timeoutSeconds": 1,
            "periodSeconds": 10,
            "successThreshold": 1,
            "failureThreshold": 3,
        },
        "readinessProbe": {
            "httpGet": {"path": "/ready", "port": "http", "scheme": "HTTP"},
            "timeoutSeconds": 1,
            "periodSeconds": 5,
            "successThreshold": 1,
            "failureThreshold": 3,
        },
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        "securityContext": {"runAsNonRoot": True, "allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}},
    }


def _container_status(rng: random.Random, name: str, started: str) -> dict[str, Any]:
    return {
        "name": name,
        "ready": True,
        "restartCount": rng.randrange(3),
        "state": {"running": {"startedAt": started}},
        "image": f"registry.example.com/team/{name}:v1.2.3",
        "imageID": f"registry.example.com/team/{name}@sha256:{rng.getrandbits(256):064x}",
        "containerID": f"containerd://{rng.getrandbits(256):064x}",
        "started": True,
        "volumeMounts": [{"name": "config", "mountPath": "/etc/config", "readOnly": True}],
    }


# The list-map keys of the pod lists this file fills (the Pod schema's x-kubernetes-list-map-keys); the other lists
# here are atomic and appear in fieldsV1 as one leaf.
_LIST_KEYS = {
    "ownerReferences": ("uid",),
    "containers": ("name",),
    "ports": ("containerPort", "protocol"),
    "env": ("name",),
    "volumeMounts": ("mountPath",),
    "volumes": ("name",),
    "conditions": ("type",),
    "podIPs": ("ip",),
    "hostIPs": ("ip",),
}

# Set on create by admission or later by the scheduler, not by the controller that created the pod.
_NOT_FROM_TEMPLATE = ("nodeName", "tolerations", "priority", "preemptionPolicy", "serviceAccount")


def _field_set(value: dict[str, Any]) -> dict[str, Any]:
    """The fieldsV1 of every field of `value` a manager set, as kube-apiserver records it (structured-merge-diff's
    set notation: `f:` fields, `k:` list items by their keys, `.` for the node itself)."""
    return {f"f:{name}": _field_node(name, item) for name, item in value.items()}


def _field_node(name: str, value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return {".": {}, **_field_set(value)} if value else {}
    if isinstance(value, list) and name in _LIST_KEYS:
        node: dict[str, Any] = {".": {}}
        for item in value:
            key = json.dumps({k: item[k] for k in _LIST_KEYS[name]}, separators=(",", ":"))
            node[f"k:{key}"] = {".": {}, **_field_set(item)}
        return node
    return {}


def _managed_fields(rng: random.Random, pod: dict[str, Any]) -> list[dict[str, Any]]:
    """What a real server keeps for a pod a ReplicaSet made: the controller owns the metadata and spec from the
    template, the kubelet the status; each entry lists every field its manager set (on real pods, about half of
    the object's bytes: see wire/deployment.json)."""
    metadata = {k: pod["metadata"][k] for k in ("generateName", "labels", "annotations", "ownerReferences")}
    spec = {k: v for k, v in pod["spec"].items() if k not in _NOT_FROM_TEMPLATE}
    return [
        {
            "manager": "kube-controller-manager",
            "operation": "Update",
            "apiVersion": "v1",
            "time": _ts(rng),
            "fieldsType": "FieldsV1",
            "fieldsV1": {"f:metadata": _field_set(metadata), "f:spec": _field_set(spec)},
        },
        {
            "manager": "kubelet",
            "operation": "Update",
            "apiVersion": "v1",
            "time": _ts(rng),
            "fieldsType": "FieldsV1",
            "fieldsV1": {"f:status": _field_set(pod["status"])},
            "subresource": "status",
        },
    ]


def make_pod(rng: random.Random, index: int) -> dict[str, Any]:
    ns = f"team-{index % 20}"
    app = f"service-{index % 50}"
    created = _ts(rng)
    names = ["app"] if index % 3 else ["app", "sidecar"]
    pod: dict[str, Any] = {
        "metadata": {
            "name": f"{app}-{rng.getrandbits(40):010x}",
            "generateName": f"{app}-7d9f8b6c5-",
            "namespace": ns,
            "uid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "resourceVersion": str(100000 + index),
            "creationTimestamp": created,
            "labels": {"app": app, "pod-template-hash": "7d9f8b6c5", "tier": rng.choice(["web", "api", "worker"])},
            "annotations": {
                "kubectl.kubernetes.io/restartedAt": created,
                "prometheus.io/scrape": "true",
                "prometheus.io/port": "9090",
            },
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "ReplicaSet",
                    "name": f"{app}-7d9f8b6c5",
                    "uid": f"{rng.getrandbits(128):032x}",
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "spec": {
            "volumes": [
                {"name": "config", "configMap": {"name": f"{app}-config", "defaultMode": 420}},
                {
                    "name": "kube-api-access",
                    "projected": {
                        "sources": [
                            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                            {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                            {
                                "downwardAPI": {
                                    "items": [
                                        {
                                            "path": "namespace",
                                            "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                                        }
                                    ]
                                }
                            },
                        ],
                        "defaultMode": 420,
                    },
                },
            ],
            "containers": [_container(rng, n) for n in names],
            "restartPolicy": "Always",
            "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst",
            "serviceAccountName": app,
            "serviceAccount": app,
            "nodeName": f"node-{rng.randrange(100)}",
            "securityContext": {"runAsUser": 1000, "fsGroup": 2000},
            "schedulerName": "default-scheduler",
            "tolerations": [
                {
                    "key": "node.kubernetes.io/not-ready",
                    "operator": "Exists",
                    "effect": "NoExecute",
                    "tolerationSeconds": 300,
                },
                {
                    "key": "node.kubernetes.io/unreachable",
                    "operator": "Exists",
                    "effect": "NoExecute",
                    "tolerationSeconds": 300,
                },
            ],
            "affinity": {
                "podAntiAffinity": {
                    "preferredDuringSchedulingIgnoredDuringExecution": [
                        {
                            "weight": 100,
                            "podAffinityTerm": {
                                "labelSelector": {"matchLabels": {"app": app}},
                                "topologyKey": "kubernetes.io/hostname",
                            },
                        }
                    ]
                }
            },
            "priority": 0,
            "enableServiceLinks": True,
            "preemptionPolicy": "PreemptLowerPriority",
        },
        "status": {
            "phase": "Running",
            "conditions": [
                {"type": t, "status": "True", "lastProbeTime": None, "lastTransitionTime": _ts(rng)}
                for t in ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")
            ],
            "hostIP": f"10.0.{rng.randrange(256)}.{rng.randrange(256)}",
            "hostIPs": [{"ip": f"10.0.{rng.randrange(256)}.{rng.randrange(256)}"}],
            "podIP": f"10.244.{rng.randrange(256)}.{rng.randrange(256)}",
            "podIPs": [{"ip": f"10.244.{rng.randrange(256)}.{rng.randrange(256)}"}],
            "startTime": created,
            "containerStatuses": [_container_status(rng, n, created) for n in names],
            "qosClass": "Burstable",
        },
    }
    pod["metadata"]["managedFields"] = _managed_fields(rng, pod)
    return pod


def make_pod_list(count: int = 5000, seed: int = 1) -> dict[str, Any]:
    rng = random.Random(seed)
    return {
        "kind": "PodList",
        "apiVersion": "v1",
        "metadata": {"resourceVersion": str(100000 + count)},
        "items": [dict(make_pod(rng, i), apiVersion="v1", kind="Pod") for i in range(count)],
    }


def pod_list_bytes(count: int = 5000, seed: int = 1) -> bytes:
    return json.dumps(make_pod_list(count, seed), separators=(",", ":")).encode()


def main(make: Callable[[int, int], bytes] = pod_list_bytes, seed: int = 1, doc: str | None = __doc__) -> None:
    """Write a list (this module's, or `make`'s for another generator) to --out or standard output."""
    parser = argparse.ArgumentParser(description=doc)
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=seed)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    data = make(args.count, args.seed)
    if args.out:
        args.out.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)


if __name__ == "__main__":
    main()
