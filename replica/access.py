"""One request to the replica server, as its access log keeps it (``access.log``, JSON lines)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AccessEntry:
    time: str
    method: str
    path: str
    status: int
    bytes: int
    user_agent: str | None
    if_none_match: str | None
    if_modified_since: str | None

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__slots__}
