"""Leader election over coordination.k8s.io/v1 Leases (client-go tools/leaderelection)."""

from __future__ import annotations

from kubeclient.leaderelection.elector import LeaderElector
from kubeclient.leaderelection.lease_lock import LeaderElectionRecord, LeaseLock

__all__ = ["LeaderElectionRecord", "LeaderElector", "LeaseLock"]
