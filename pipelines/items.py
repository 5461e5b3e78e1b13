"""Typed items passed from the spider to the item pipelines."""

from __future__ import annotations

from dataclasses import dataclass
from archive.runs.incremental import CaptureInfo


@dataclass(frozen=True, slots=True)
class ReportPage:
    """A fetched report article page, decoded, with where it sits in the archive."""

    url: str
    html: str
    encoding: str
    capture: CaptureInfo
    column_id: str | None
    column_name: str | None
    via: str
    prev_url: str | None
    next_url: str | None
    attachments: tuple[str, ...]
