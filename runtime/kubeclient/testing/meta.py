"""Object metadata helpers: timestamps, uids, key order as the real server serialises, and kubectl-style ages."""

from __future__ import annotations

import copy
import secrets
import string
import uuid
from datetime import UTC, datetime
from typing import Any

# ObjectMeta fields in the order the Go struct (and so the real server's JSON) lists them.
META_ORDER = (
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
)
# Characters of generateName suffixes (apimachinery's utilrand alphabet: no vowels, no confusable digits).
_SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def timestamp(when: datetime | None = None) -> str:
    """RFC 3339 with second precision and a Z, as metav1.Time marshals."""
    return (when or now()).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def new_uid() -> str:
    return str(uuid.uuid4())


def name_suffix() -> str:
    return "".join(secrets.choice(_SUFFIX_ALPHABET) for _ in range(5))


def ordered_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """Metadata keys in the Go struct order; unknown keys are kept after them."""
    out = {k: meta[k] for k in META_ORDER if k in meta and meta[k] not in (None, "", [], {})}
    out.update({k: v for k, v in meta.items() if k not in out and k not in META_ORDER})
    return out


def ordered_object(obj: dict[str, Any]) -> dict[str, Any]:
    """kind, apiVersion, metadata first and status last, as built-in kinds serialise."""
    head: dict[str, Any] = {k: obj[k] for k in ("kind", "apiVersion") if k in obj}
    head["metadata"] = ordered_meta(obj.get("metadata") or {})
    rest = {k: v for k, v in obj.items() if k not in ("kind", "apiVersion", "metadata", "status")}
    head.update(rest)
    if "status" in obj:
        head["status"] = obj["status"]
    return head


def deep_copy(obj: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(obj)


def human_duration(seconds: float) -> str:
    """apimachinery's duration.HumanDuration, what the Age column shows."""
    s = int(seconds)
    if s < 0:
        return "<invalid>"
    if s < 120:
        return f"{s}s"
    minutes = s // 60
    if minutes < 10:
        return f"{minutes}m{s % 60}s" if s % 60 else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 8:
        return f"{hours}h{minutes % 60}m" if minutes % 60 else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        return f"{hours // 24}d{hours % 24}h" if hours % 24 else f"{hours // 24}d"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        years = hours // 24 // 365
        days = hours // 24 % 365
        return f"{years}y{days}d" if days else f"{years}y"
    return f"{hours // 24 // 365}y"


def random_token() -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(32))
