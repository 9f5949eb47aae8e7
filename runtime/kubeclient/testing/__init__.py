"""Testing support: `FakeAPIServer`, an in-process kube-apiserver v1.36 look-alike over real HTTP(S), and its faults.

    with FakeAPIServer() as server:            # HTTPS on 127.0.0.1, throw-away CA, admin bearer token
        cfg = server.config()                  # a ready kubeclient.config.Config
        server.write_kubeconfig("kubeconfig")  # for kubectl and other programs
        server.faults.close_watches()          # see kubeclient.testing.faults

The real thing beside it: `ControlPlane` (kubeclient.testing.envtest) runs etcd + kube-apiserver from envtest-style
binaries; use it where exact server behaviour matters, the fake where speed and fault injection do.

Needs the `testing` extra (`pip install "kubeclient[testing]"`); names load on first use, and without the extra the
error says so.

pytest: fixtures `kube_fake` / `kube_fake_session`, `kube_control_plane` / `kube_namespace` (module
`kubeclient.testing.pytest_plugin`).
Standalone: `python -m kubeclient.testing serve --port N --kubeconfig-out PATH`.

Known differences from kube-apiserver v1.36:
- JSON and YAML only: protobuf and CBOR bodies get 415, protobuf-only Accept headers 406 (so `kubectl create
  <generator>`, which posts protobuf, fails; `kubectl apply` and the rest work).
- No controllers: nothing reconciles workloads, pods stay Pending, garbage collection does not run (the
  propagationPolicy is accepted and ignored; deleting a namespace or a CRD removes what it holds at once, on the
  server's own thread). Objects without finalizers are deleted immediately whatever gracePeriodSeconds says.
- Admission: no service accounts, quotas, limit ranges, webhooks or pod security; RBAC is a static table of users
  (read-only users get 403).
- Validation covers names, labels, workload selectors/containers, CRD structural schemas (type, required, enum,
  pattern, bounds, lengths, item counts; no CEL rules, no formats) and unknown fields (fieldValidation Strict/Warn/
  Ignore); defaulting covers pod specs, workloads and services, not every kind.
- Tables: NAME + AGE for most built-in kinds (deployments, pods, configmaps and namespaces have their own
  columns); CRD printer columns support the JSONPath subset `.a.b`, `[n]`, `[*]`, `[?(@.k == "v")]`.
- CRD versions share storage without conversion (the apiVersion is rewritten, as the None strategy does); CRD
  selectable fields are not supported as field selectors.
- Watches: bookmarks every `bookmark_interval` seconds; timeoutSeconds may be fractional; a watch at a future
  resourceVersion waits for it instead of answering 504 after 3 s; a list at a future one answers 504 at once.
- Subresources beyond status, scale, pods/eviction (no disruption budgets), pods/binding, pods/log (empty),
  pods/ephemeralcontainers, pods/resize (resources taken as given, no QoS check) and namespaces/finalize are not
  modelled (405).
- OpenAPI documents are served as stored; /openapi/v2 does not include CRDs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kubeclient.testing.auth import User
    from kubeclient.testing.certs import ClientCertificate
    from kubeclient.testing.envtest import ControlPlane, ControlPlaneError, ControlPlaneUser
    from kubeclient.testing.faults import FaultRequest, Faults
    from kubeclient.testing.server import FakeAPIServer, default_documents_dir

__all__ = [
    "ClientCertificate",
    "ControlPlane",
    "ControlPlaneError",
    "ControlPlaneUser",
    "FakeAPIServer",
    "FaultRequest",
    "Faults",
    "User",
    "default_documents_dir",
]

# Loaded on first use: the servers need the `testing` extra (trustme, cryptography), which says so when missing.
_HOMES = {
    "User": "kubeclient.testing.auth",
    "ClientCertificate": "kubeclient.testing.certs",
    "ControlPlane": "kubeclient.testing.envtest",
    "ControlPlaneError": "kubeclient.testing.envtest",
    "ControlPlaneUser": "kubeclient.testing.envtest",
    "FaultRequest": "kubeclient.testing.faults",
    "Faults": "kubeclient.testing.faults",
    "FakeAPIServer": "kubeclient.testing.server",
    "default_documents_dir": "kubeclient.testing.server",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'kubeclient.testing' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
