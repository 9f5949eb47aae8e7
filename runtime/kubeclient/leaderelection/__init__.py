"""Leader election over coordination.k8s.io/v1 Leases (client-go tools/leaderelection), on threads
(`LeaderElector`) and asyncio (`AsyncLeaderElector`), both over one `LeaseLock`."""

from __future__ import annotations

from kubeclient.leaderelection.aio import AsyncLeaderElector
from kubeclient.leaderelection.core import ElectionCore
from kubeclient.leaderelection.elector import LeaderElector
from kubeclient.leaderelection.lease_lock import LeaderElectionRecord, LeaseLock

__all__ = ["AsyncLeaderElector", "ElectionCore", "LeaderElectionRecord", "LeaderElector", "LeaseLock"]
