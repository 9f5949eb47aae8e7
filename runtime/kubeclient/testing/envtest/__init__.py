"""A real control plane for tests (controller-runtime's envtest for Python): etcd + kube-apiserver from a directory
of binaries, users with certificates or tokens, CRDs installed and waited for, and a kubelet stub for streaming.

The launcher stands beside the fake API server, not inside it: it emulates nothing and only starts, wires and stops
the real programs.
"""

from kubeclient.testing.envtest.assets import ASSETS_ENV, Assets, find_assets, unpack_assets
from kubeclient.testing.envtest.errors import ControlPlaneError
from kubeclient.testing.envtest.plane import ControlPlane, ControlPlaneUser

__all__ = [
    "ASSETS_ENV",
    "Assets",
    "ControlPlane",
    "ControlPlaneError",
    "ControlPlaneUser",
    "find_assets",
    "unpack_assets",
]
