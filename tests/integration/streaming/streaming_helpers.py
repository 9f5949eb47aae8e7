"""What the streaming tests share: the pod they run against."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Pod:
    namespace: str
    name: str
