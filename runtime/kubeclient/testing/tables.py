"""Table and PartialObjectMetadata renderings (what `kubectl get` and metadata informers ask for)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from kubeclient import labels
from kubeclient.testing.crd import AGE_DESCRIPTION, CRDVersion, age_column
from kubeclient.testing.meta import human_duration, now, parse_timestamp

NAME_DESCRIPTION = (
    "Name must be unique within a namespace. Is required when creating resources, although some resources may allow "
    "a client to request the generation of an appropriate name automatically. Name is primarily intended for "
    "creation idempotence and configuration definition. Cannot be updated. More info: "
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
)
BUILTIN_AGE_DESCRIPTION = (
    AGE_DESCRIPTION + "\n\nPopulated by the system. Read-only. Null for lists. More info: "
    "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"
)


def _col(name: str, description: str, *, type_: str = "string", fmt: str = "", priority: int = 0) -> dict[str, Any]:
    return {"name": name, "type": type_, "format": fmt, "description": description, "priority": priority}


POD_RESTARTS = (
    "The number of times the containers in this pod have been restarted and when the last container in this pod "
    "has restarted."
)
POD_IP = "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated."
POD_NODE = (
    "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by "
    "the scheduler defined in schedulerName."
)
POD_NOMINATED = (
    "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right "
    "away as preemption victims receive their graceful termination periods."
)
POD_GATES = "If specified, all readiness gates will be evaluated for pod readiness."
NAME_COL = _col("Name", NAME_DESCRIPTION, fmt="name")
AGE_COL = _col("Age", BUILTIN_AGE_DESCRIPTION)


def age(obj: Mapping[str, Any], at: datetime | None = None) -> str:
    created = parse_timestamp(str((obj.get("metadata") or {}).get("creationTimestamp") or ""))
    if created is None:
        return "<unknown>"
    return human_duration(((at or now()) - created).total_seconds())


def partial_metadata(obj: Mapping[str, Any], version: str = "v1") -> dict[str, Any]:
    return {
        "kind": "PartialObjectMetadata",
        "apiVersion": f"meta.k8s.io/{version}",
        "metadata": obj.get("metadata") or {},
    }


def partial_metadata_list(
    items: Sequence[Mapping[str, Any]], list_meta: dict[str, Any], version: str = "v1"
) -> dict[str, Any]:
    return {
        "kind": "PartialObjectMetadataList",
        "apiVersion": f"meta.k8s.io/{version}",
        "metadata": list_meta,
        # The Go list's items slice has no omitempty: an empty list is encoded as null, as kube-apiserver does.
        "items": [partial_metadata(o, version) for o in items] or None,
    }


def _deployment(obj: Mapping[str, Any]) -> list[Any]:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    containers = ((spec.get("template") or {}).get("spec") or {}).get("containers") or []
    try:
        selector = str(labels.from_label_selector(spec.get("selector")))
    except labels.LabelSelectorError:
        selector = "<invalid>"
    return [
        f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 0)}",
        status.get("updatedReplicas", 0),
        status.get("availableReplicas", 0),
        age(obj),
        ",".join(str(c.get("name", "")) for c in containers),
        ",".join(str(c.get("image", "")) for c in containers),
        selector,
    ]


def _pod(obj: Mapping[str, Any]) -> list[Any]:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    containers = spec.get("containers") or []
    statuses = status.get("containerStatuses") or []
    ready = sum(1 for c in statuses if c.get("ready"))
    restarts = sum(int(c.get("restartCount") or 0) for c in statuses)
    phase = status.get("reason") or status.get("phase") or "Unknown"
    if (obj.get("metadata") or {}).get("deletionTimestamp"):
        phase = "Terminating"
    gates = spec.get("readinessGates") or []
    return [
        f"{ready}/{len(containers)}",
        phase,
        str(restarts),
        age(obj),
        status.get("podIP") or "<none>",
        spec.get("nodeName") or "<none>",
        status.get("nominatedNodeName") or "<none>",
        f"0/{len(gates)}" if gates else "<none>",
    ]


BUILTIN_COLUMNS: dict[tuple[str, str], tuple[list[dict[str, Any]], Any]] = {
    ("apps", "deployments"): (
        [
            _col("Ready", "Number of the pod with ready state"),
            _col(
                "Up-to-date",
                "Total number of non-terminating pods targeted by this deployment that have the desired template spec.",
            ),
            _col(
                "Available",
                "Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this "
                "deployment.",
            ),
            AGE_COL,
            _col("Containers", "Names of each container in the template.", priority=1),
            _col("Images", "Images referenced by each container in the template.", priority=1),
            _col(
                "Selector",
                "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones "
                "affected by this deployment. It must match the pod template's labels.",
                priority=1,
            ),
        ],
        _deployment,
    ),
    ("", "pods"): (
        [
            _col("Ready", "The aggregate readiness state of this pod for accepting traffic."),
            _col("Status", "The aggregate status of the containers in this pod."),
            _col("Restarts", POD_RESTARTS),
            AGE_COL,
            _col("IP", POD_IP, priority=1),
            _col("Node", POD_NODE, priority=1),
            _col("Nominated Node", POD_NOMINATED, priority=1),
            _col("Readiness Gates", POD_GATES, priority=1),
        ],
        _pod,
    ),
    ("", "configmaps"): (
        [_col("Data", "Data contains the configuration data.", type_="string"), AGE_COL],
        lambda o: [len(o.get("data") or {}) + len(o.get("binaryData") or {}), age(o)],
    ),
    ("", "services"): (
        [
            _col("Type", "The type of service."),
            _col("Cluster-IP", "The cluster IP of the service."),
            _col("External-IP", "The external IP of the service."),
            _col("Port(s)", "The ports of the service."),
            AGE_COL,
            _col("Selector", "The selector of the service.", priority=1),
        ],
        lambda o: _service(o),  # noqa: PLW0108 (_service is defined below the table)
    ),
    ("", "namespaces"): (
        [_col("Status", "The status of the namespace"), AGE_COL],
        lambda o: [(o.get("status") or {}).get("phase", ""), age(o)],
    ),
}


def _service(obj: Mapping[str, Any]) -> list[Any]:
    """kubectl's service columns: ports as port[:nodePort]/protocol, selector as k=v pairs."""
    spec = obj.get("spec") or {}
    ports = ",".join(
        f"{p.get('port')}{':' + str(p['nodePort']) if p.get('nodePort') else ''}/{p.get('protocol', 'TCP')}"
        for p in spec.get("ports") or []
    )
    external = ",".join(spec.get("externalIPs") or []) or (
        "<pending>" if spec.get("type") == "LoadBalancer" else "<none>"
    )
    selector = ",".join(f"{k}={v}" for k, v in sorted((spec.get("selector") or {}).items())) or "<none>"
    return [spec.get("type", ""), spec.get("clusterIP") or "<none>", external, ports or "<none>", age(obj), selector]


_SEGMENT = re.compile(r"\.([A-Za-z0-9_\-]+)|\[(\d+|\*)\]|\[\?\(@\.([A-Za-z0-9_.\-]+)\s*==\s*[\"']([^\"']*)[\"']\)\]")


def json_path(obj: Any, path: str) -> Any:
    """The subset of kubectl JSONPath printer columns use: .a.b, [0], [*] and [?(@.k == "v")]; None when absent."""
    text = path.strip().removeprefix("{").removesuffix("}")
    values = [obj]
    pos = 0
    while pos < len(text):
        m = _SEGMENT.match(text, pos)
        if m is None:
            return None
        pos = m.end()
        nxt: list[Any] = []
        for v in values:
            if m.group(1) is not None:
                if isinstance(v, Mapping) and m.group(1) in v:
                    nxt.append(v[m.group(1)])
            elif m.group(2) is not None:
                if isinstance(v, list):
                    nxt.extend(v if m.group(2) == "*" else v[int(m.group(2)) : int(m.group(2)) + 1])
            elif isinstance(v, list):
                nxt.extend(i for i in v if isinstance(i, Mapping) and str(json_path(i, "." + m.group(3))) == m.group(4))
        values = nxt
    if not values:
        return None
    return values[0] if len(values) == 1 else ",".join(_cell_text(v) for v in values)


def _cell_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def _crd_cell(obj: Mapping[str, Any], column: Mapping[str, Any]) -> Any:
    value = json_path(obj, str(column.get("jsonPath") or ""))
    if value is None:
        return None
    kind = column.get("type")
    if kind == "date":
        created = parse_timestamp(str(value))
        return human_duration((now() - created).total_seconds()) if created else str(value)
    if kind == "integer" and isinstance(value, int):
        return value
    if kind == "number" and isinstance(value, (int, float)):
        return value
    if kind == "boolean" and isinstance(value, bool):
        return value
    return _cell_text(value)


def table(
    items: Sequence[Mapping[str, Any]],
    list_meta: dict[str, Any],
    *,
    group: str,
    plural: str,
    crd_version: CRDVersion | None,
    include_object: str,
    version: str = "v1",
) -> dict[str, Any]:
    """A meta.k8s.io Table; rows carry PartialObjectMetadata unless includeObject says None or Object."""
    if crd_version is not None:
        printer = list(crd_version.printer_columns) or [age_column()]
        columns = [NAME_COL] + [
            _col(
                str(c.get("name")),
                str(
                    c.get("description")
                    or f"Custom resource definition column (in JSONPath format): {c.get('jsonPath')}"
                ),
                type_=str(c.get("type") or "string"),
                fmt=str(c.get("format") or ""),
                priority=int(c.get("priority") or 0),
            )
            for c in printer
        ]

        def cells(o: Mapping[str, Any]) -> list[Any]:
            return [_crd_cell(o, c) for c in printer]

    elif (group, plural) in BUILTIN_COLUMNS:
        extra, fn = BUILTIN_COLUMNS[(group, plural)]
        columns = [NAME_COL, *extra]

        def cells(o: Mapping[str, Any]) -> list[Any]:
            return list(fn(o))

    else:
        columns = [NAME_COL, AGE_COL]

        def cells(o: Mapping[str, Any]) -> list[Any]:
            return [age(o)]

    rows = []
    for obj in items:
        row: dict[str, Any] = {"cells": [(obj.get("metadata") or {}).get("name", ""), *cells(obj)]}
        if include_object == "Object":
            row["object"] = dict(obj)
        elif include_object != "None":
            row["object"] = partial_metadata(obj, version)
        rows.append(row)
    return {
        "kind": "Table",
        "apiVersion": f"meta.k8s.io/{version}",
        "metadata": list_meta,
        "columnDefinitions": columns,
        "rows": rows,
    }
