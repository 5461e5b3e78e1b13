"""One crawl's archive: the WARC writer, the database and the crawl-run row, opened together.

Order of durability: a WARC record is written and flushed before the SQL row that points at it
commits, so no row ever points at bytes that are not on disk. No Scrapy here: the crawler's
extension and middleware drive this class, and tests can drive it directly.
"""

from __future__ import annotations

import http
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from archive import store
from archive.clock import Clock, utc_now
from archive.db import make_engine, make_sessionmaker
from archive.models import CrawlRun
from archive.warc import RecordRef, WarcWriter

logger = logging.getLogger(__name__)

WARC_SUBDIR = "warc"


@dataclass(frozen=True, slots=True)
class CaptureInfo:
    """Where an exchange was archived: the capture row and its WARC response record."""

    capture_id: int
    warc_filename: str | None
    warc_offset: int | None
    warc_record_id: str | None
    payload_digest: str | None
    fetched_at: datetime


@dataclass(frozen=True, slots=True)
class ArchiveConfig:
    data_dir: Path
    db_url: str
    software: str
    warc_max_size: int = 1_000_000_000
    warc_fsync: bool = False
    warc_prefix: str = "gongkai"
    worker_id: str | None = None
    operator: str = ""
    user_agent: str = ""
    robots_obey: bool = True
    site: str = ""


class CrawlArchive:
    def __init__(self, config: ArchiveConfig, *, clock: Clock = utc_now):
        self.config = config
        self.clock = clock
        self.engine = None
        self.sessions = None
        self.writer: WarcWriter | None = None
        self.run_id: int | None = None
        self.counts: dict[str, int] = {"records": 0, "bytes": 0, "captures": 0, "errors": 0}

    @property
    def warc_dir(self) -> Path:
        return self.config.data_dir / WARC_SUBDIR

    def open(self, start_urls: Iterable[str]) -> int:
        """Open the database and the WARC writer and start a crawl run; returns its id."""
        cfg = self.config
        self.warc_dir.mkdir(parents=True, exist_ok=True)
        self.engine = make_engine(cfg.db_url)
        self.sessions = make_sessionmaker(self.engine)
        start_urls = list(start_urls)
        with self.sessions.begin() as session:
            run = CrawlRun(
                started_at=self.clock(),
                status="running",
                site=cfg.site,
                worker_id=cfg.worker_id,
                start_urls=start_urls,
                software=cfg.software,
            )
            session.add(run)
            session.flush()
            self.run_id = run.id
        self.writer = WarcWriter(
            self.warc_dir,
            prefix=cfg.warc_prefix,
            worker_id=cfg.worker_id,
            max_size=cfg.warc_max_size,
            fsync=cfg.warc_fsync,
            clock=self.clock,
            warcinfo={
                "software": cfg.software,
                "format": "WARC File Format 1.1",
                "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
                "operator": cfg.operator,
                "http-header-user-agent": cfg.user_agent,
                "robots": "obey" if cfg.robots_obey else "ignore",
                "isPartOf": f"crawl-run-{self.run_id}",
                "gongkai-site": cfg.site,
                "gongkai-start-urls": " ".join(start_urls),
                "hostname": os.uname().nodename,
            },
        )
        logger.info(
            "crawl run %s: WARC files in %s, database %s",
            self.run_id,
            self.warc_dir,
            self.engine.url.render_as_string(hide_password=True),
        )
        return self.run_id

    def close(self, *, reason: str, stats: Mapping[str, Any]) -> None:
        """Close the WARC writer and finish the run row with the crawl's figures."""
        if self.writer is not None:
            self.writer.close()
            self.writer = None
        if self.sessions is not None and self.run_id is not None:
            with self.sessions.begin() as session:
                run = session.get(CrawlRun, self.run_id)
                run.finished_at = self.clock()
                run.status = "finished" if reason == "finished" else "stopped"
                run.finish_reason = reason
                run.pages_fetched = self.counts["captures"]
                run.errors = self.counts["errors"]
                run.warc_bytes = self.counts["bytes"]
                run.reports_seen = int(stats.get("gongkai/reports", 0))
                run.versions_new = int(stats.get("gongkai/versions/new", 0))
                run.stats = {k: _plain(v) for k, v in stats.items()}
        if self.engine is not None:
            self.engine.dispose()
            self.engine = None

    def record_exchange(
        self,
        *,
        url: str,
        method: str,
        kind: str,
        request_headers: list[tuple[str, str]],
        request_body: bytes,
        protocol: str,
        status: int,
        response_headers: list[tuple[str, str]],
        body: bytes,
        ip_address: str | None,
    ) -> CaptureInfo:
        """Archive one exchange (WARC request + response, flushed) then its capture row."""
        fetched_at = self.clock()
        response_ref, request_ref = self.writer.write_exchange(
            url=url,
            method=method,
            request_headers=request_headers,
            request_body=request_body,
            protocol=protocol,
            status=status,
            reason=reason_phrase(status),
            response_headers=response_headers,
            body=body,
            ip_address=ip_address,
            fetched_at=fetched_at,
        )
        self._count_records(response_ref, request_ref)
        content_type = header_value(response_headers, "content-type")
        with self.sessions.begin() as session:
            page_id = store.get_or_create_page(session, url, kind, fetched_at)
            capture = store.add_capture(
                session,
                run_id=self.run_id,
                page_id=page_id,
                url=url,
                method=method,
                fetched_at=fetched_at,
                status=status,
                content_type=content_type[:200] if content_type else None,
                content_length=len(body),
                record_type="response",
                warc_filename=response_ref.filename,
                warc_offset=response_ref.offset,
                warc_length=response_ref.length,
                warc_record_id=response_ref.record_id,
                request_record_id=request_ref.record_id,
                payload_digest=response_ref.payload_digest,
                ip_address=ip_address,
            )
            capture_id = capture.id
        self.counts["captures"] += 1
        return CaptureInfo(
            capture_id=capture_id,
            warc_filename=response_ref.filename,
            warc_offset=response_ref.offset,
            warc_record_id=response_ref.record_id,
            payload_digest=response_ref.payload_digest,
            fetched_at=fetched_at,
        )

    def record_failure(self, *, url: str, method: str, kind: str, error: str) -> None:
        """A fetch that produced no response (connection refused, timeout, size limit...)."""
        fetched_at = self.clock()
        with self.sessions.begin() as session:
            page_id = store.get_or_create_page(session, url, kind, fetched_at)
            store.add_capture(
                session,
                run_id=self.run_id,
                page_id=page_id,
                url=url,
                method=method,
                fetched_at=fetched_at,
                error=error[:2000],
            )
        self.counts["errors"] += 1

    def write_metadata(self, *, url: str, refers_to: str, payload: bytes, content_type: str) -> RecordRef:
        ref = self.writer.write_metadata(
            url=url, refers_to=refers_to, payload=payload, content_type=content_type
        )
        self._count_records(ref)
        return ref

    def _count_records(self, *refs: RecordRef) -> None:
        self.counts["records"] += len(refs)
        self.counts["bytes"] += sum(ref.length for ref in refs)


def reason_phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def header_value(headers: Iterable[tuple[str, str]], name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def _plain(value):
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    return str(value)
