"""LeaseLock: the leader-election record kept in a coordination.k8s.io/v1 Lease (client-go resourcelock/leaselock.go).

`client` is a ResourceClient over plain dicts for leases in one namespace (e.g.
`DynamicClient.resource(GVR("coordination.k8s.io", "v1", "leases")).namespace(ns)`); typed objects with
`to_dict()` are accepted too. `get()` returns the record (or raises NotFoundError), `create`/`update` write it;
`update` sends the resourceVersion last read, so a concurrent writer makes it fail with a ConflictError.
The same lock serves asyncio: over an `AsyncResourceClient`, use `aget` / `acreate` / `aupdate`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from kubeclient.model import format_micro_time, parse_time

__all__ = ["LeaderElectionRecord", "LeaseLock", "format_micro_time", "parse_micro_time"]


def parse_micro_time(text: str | None) -> dt.datetime | None:
    """A lease's MicroTime field, or None when unset."""
    return parse_time(text) if text else None


@dataclass(frozen=True)
class LeaderElectionRecord:
    holder_identity: str = ""
    lease_duration_seconds: int = 0
    acquire_time: dt.datetime | None = None
    renew_time: dt.datetime | None = None
    leader_transitions: int = 0

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> LeaderElectionRecord:
        return cls(
            holder_identity=spec.get("holderIdentity") or "",
            lease_duration_seconds=int(spec.get("leaseDurationSeconds") or 0),
            acquire_time=parse_micro_time(spec.get("acquireTime")),
            renew_time=parse_micro_time(spec.get("renewTime")),
            leader_transitions=int(spec.get("leaseTransitions") or 0),
        )

    def to_spec(self) -> dict[str, Any]:
        spec: dict[str, Any] = {
            "holderIdentity": self.holder_identity,
            "leaseDurationSeconds": self.lease_duration_seconds,
            "leaseTransitions": self.leader_transitions,
        }
        if self.acquire_time is not None:
            spec["acquireTime"] = format_micro_time(self.acquire_time)
        if self.renew_time is not None:
            spec["renewTime"] = format_micro_time(self.renew_time)
        return spec


def _as_dict(obj: Any) -> dict[str, Any]:
    if isinstance(obj, dict):
        return obj
    to_dict = getattr(obj, "to_dict", None)
    if callable(to_dict):
        value = to_dict()
        if isinstance(value, dict):
            return value
    raise TypeError(f"LeaseLock: expected a Lease dict, got {type(obj).__name__}")


class LeaseLock:
    def __init__(self, client: Any, name: str, identity: str) -> None:
        if not identity:
            raise ValueError("LeaseLock: identity must not be empty")
        self.client = client
        self.name = name
        self.identity = identity
        self._lease: dict[str, Any] | None = None

    # -- bodies (shared by the sync and async calls) --------------------------------------------------------------

    def _record_of(self, lease: Any) -> LeaderElectionRecord:
        self._lease = _as_dict(lease)
        return LeaderElectionRecord.from_spec(self._lease.get("spec") or {})

    def _create_body(self, record: LeaderElectionRecord) -> dict[str, Any]:
        return {
            "apiVersion": "coordination.k8s.io/v1",
            "kind": "Lease",
            "metadata": {"name": self.name},
            "spec": record.to_spec(),
        }

    def _update_body(self, record: LeaderElectionRecord) -> dict[str, Any]:
        if self._lease is None:
            raise RuntimeError("LeaseLock.update: the lease was not read or created first")
        body = dict(self._lease)
        body["spec"] = record.to_spec()
        return body

    # -- threads ------------------------------------------------------------------------------------------------

    def get(self) -> LeaderElectionRecord:
        return self._record_of(self.client.get(self.name))

    def create(self, record: LeaderElectionRecord) -> None:
        self._lease = _as_dict(self.client.create(self._create_body(record)))

    def update(self, record: LeaderElectionRecord) -> None:
        self._lease = _as_dict(self.client.update(self._update_body(record)))

    # -- asyncio ------------------------------------------------------------------------------------------------

    async def aget(self) -> LeaderElectionRecord:
        return self._record_of(await self.client.get(self.name))

    async def acreate(self, record: LeaderElectionRecord) -> None:
        self._lease = _as_dict(await self.client.create(self._create_body(record)))

    async def aupdate(self, record: LeaderElectionRecord) -> None:
        self._lease = _as_dict(await self.client.update(self._update_body(record)))

    def describe(self) -> str:
        return f"lease {self.name}"
