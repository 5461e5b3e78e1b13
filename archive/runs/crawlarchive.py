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
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from archive.clock import Clock, utc_now
from archive.runs.incremental import ArchivedResponse, CaptureInfo, PriorCapture, WrittenExchange
from archive.runs.nightly import finish_run_events
from archive.sql import crawls
from archive.sql.capturebatch import DEFAULT_SECONDS, DEFAULT_SIZE, CaptureBatch, CommitFirst
from archive.sql.engine import make_engine, make_sessionmaker
from archive.warc import wire as wire_records
from archive.warc.check import RepairResult, repair_files
from archive.warc.files import warc_dir
from archive.warc.reader import read_record
from archive.warc.records import RecordRef, RevisitProfile, header_value, sha1_digest
from archive.warc.wire import WireExchange
from archive.warc.writer import WarcWriter

logger = logging.getLogger(__name__)


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
    resume_hours: float = 20.0
    warc_gzip_level: int = wire_records.DEFAULT_GZIP_LEVEL
    capture_batch: int = DEFAULT_SIZE
    capture_batch_seconds: float = DEFAULT_SECONDS


class CrawlArchive:
    def __init__(self, config: ArchiveConfig, *, clock: Clock = utc_now):
        self.config = config
        self.clock = clock
        self.engine = None
        self.sessions = None
        self.writer: WarcWriter | None = None
        self.batch: CaptureBatch | None = None
        #: URLs with a full 200 response archived: prior_capture asks the database only for these
        #: (a first crawl asks nothing). Loaded at open; this run's captures are added as they come.
        self._full_urls: set[str] = set()
        self.run_id: int | None = None
        self.counts: dict[str, int] = {
            "records": 0, "bytes": 0, "captures": 0, "errors": 0, "not_modified": 0, "revisits": 0,
        }
        self.window: list[int] = []
        self.repairs: list[RepairResult] = []
        self._local_files: dict[str, bool] = {}

    @property
    def warc_dir(self) -> Path:
        return warc_dir(self.config.data_dir)

    def open(self, start_urls: Iterable[str]) -> int:
        """Open the database and the WARC writer and start a crawl run; returns its id."""
        cfg = self.config
        self.warc_dir.mkdir(parents=True, exist_ok=True)
        self.engine = make_engine(cfg.db_url)
        # Capture rows go in batches (archive.sql.capturebatch); other sessions commit them first.
        sessions = make_sessionmaker(self.engine)
        self.batch = CaptureBatch(sessions, size=cfg.capture_batch, seconds=cfg.capture_batch_seconds)
        self.sessions = CommitFirst(sessions, self.batch)
        start_urls = list(start_urls)
        now = self.clock()
        with self.sessions.begin() as session:
            crashed = crawls.mark_crashed_runs(
                session, data_dir=str(cfg.data_dir.resolve()), worker_id=cfg.worker_id
            )
            if crashed is not None:
                self.repairs = repair_files(self.warc_dir, since=crashed.started_at)
                if now - crashed.started_at > timedelta(hours=cfg.resume_hours):
                    crashed = None  # too old to count as the same nightly run: start afresh
            self.run_id = crawls.add_run(
                session,
                started_at=now,
                status="running",
                site=cfg.site,
                worker_id=cfg.worker_id,
                data_dir=str(cfg.data_dir.resolve()),
                start_urls=start_urls,
                software=cfg.software,
                resumes_run_id=crashed.id if crashed is not None else None,
            )
            self.window = crawls.run_window(session, self.run_id)
            self._full_urls = crawls.full_response_urls(session)
        self.writer = WarcWriter(
            self.warc_dir,
            prefix=cfg.warc_prefix,
            worker_id=cfg.worker_id,
            max_size=cfg.warc_max_size,
            fsync=cfg.warc_fsync,
            clock=self.clock,
            warcinfo={
                "software": cfg.software,
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

    def close(self, *, reason: str, stats: Mapping[str, Any]) -> dict[str, int]:
        """Close the WARC writer, derive the run's removed/unlisted/reappeared events and finish
        the run row with the crawl's figures; returns the event counts."""
        if self.writer is not None:
            self.writer.close()
            self.writer = None
        if self.batch is not None:
            self.batch.close()
        event_counts: dict[str, int] = {}
        if self.sessions is not None and self.run_id is not None:
            with self.sessions.begin() as session:
                if reason == "finished":
                    event_counts = finish_run_events(session, self.window, now=self.clock())
                crawls.update_run(
                    session,
                    self.run_id,
                    finished_at=self.clock(),
                    status="finished" if reason == "finished" else "stopped",
                    finish_reason=reason,
                    pages_fetched=self.counts["captures"],
                    not_modified=self.counts["not_modified"],
                    revisits=self.counts["revisits"],
                    errors=self.counts["errors"],
                    warc_bytes=self.counts["bytes"],
                    reports_seen=int(stats.get("gongkai/reports", 0)),
                    versions_new=int(stats.get("gongkai/versions/stored", 0)),
                    reports_new=int(stats.get("gongkai/events/new", 0)),
                    reports_changed=int(stats.get("gongkai/events/changed", 0)),
                    reports_removed=event_counts.get("removed", 0),
                    stats={k: _plain(v) for k, v in stats.items()}
                    | {f"gongkai/events/{k}": v for k, v in event_counts.items()}
                    | {"gongkai/warc/repaired_files": len(self.repairs)},
                )
        if self.engine is not None:
            self.engine.dispose()
            self.engine = None
        return event_counts

    # before a fetch
    def prior_capture(self, url: str) -> PriorCapture | None:
        """The last full 200 response archived for ``url``, for conditional requests and dedup."""
        if url not in self._full_urls:
            return None
        with self.batch.session() as session:
            capture = crawls.latest_full_capture(session, url)
            if capture is None:
                return None
            prior = PriorCapture.from_capture(capture)
        if not self._is_local(prior.warc_filename):
            prior = replace(prior, readable=False)
        return prior

    def _is_local(self, filename: str) -> bool:
        known = self._local_files.get(filename)
        if known is None:
            known = self._local_files[filename] = (self.warc_dir / filename).is_file()
        return known

    def window_response(self, url: str) -> ArchivedResponse | None:
        """When a crashed run this one resumes already captured ``url``: that response, read back
        from the WARC, so the page is not fetched twice in one run window."""
        if len(self.window) < 2:
            return None
        with self.batch.session() as session:
            done = crawls.captured_in(session, url, self.window[1:])
            if done is None:
                return None
            source = crawls.payload_capture(session, done)
            info = CaptureInfo.from_capture(done)
            prior = PriorCapture.from_capture(source)
        return self._read_back(prior, info)

    # after a fetch
    def record_exchange(
        self,
        *,
        url: str,
        method: str,
        kind: str,
        via: str | None,
        request_headers: list[tuple[str, str]],
        request_body: bytes,
        protocol: str,
        status: int,
        response_headers: list[tuple[str, str]],
        body: bytes,
        ip_address: str | None,
        prior: PriorCapture | None = None,
        wire: WireExchange | None = None,
    ) -> CaptureInfo:
        """Archive one exchange then its capture row. A 200 whose payload equals ``prior``'s is
        stored as an identical-payload-digest revisit instead of a second full response. With
        ``wire`` the records hold its bytes; the headers given serve the capture row only."""
        if wire is not None:
            written = self.write_wire(wire, url=url, status=status, body=body, ip_address=ip_address, prior=prior)
            return self.add_written(written, kind=kind, via=via, headers=response_headers)
        fetched_at = self.clock()
        digest = sha1_digest(body)
        exchange = _exchange(
            url=url, method=method, request_headers=request_headers, request_body=request_body,
            protocol=protocol, status=status, response_headers=response_headers,
            ip_address=ip_address, fetched_at=fetched_at,
        )
        if revisit_profile(prior, status, digest) is RevisitProfile.IDENTICAL_PAYLOAD_DIGEST:
            return self._record_revisit(
                exchange, prior, RevisitProfile.IDENTICAL_PAYLOAD_DIGEST, kind=kind, via=via,
                body_length=len(body),
            )
        response_ref, request_ref = self.writer.write_exchange(body=body, **exchange)
        self._count_records(response_ref, request_ref)
        return self._add_capture(
            url=url, method=method, kind=kind, via=via, fetched_at=fetched_at, status=status,
            headers=response_headers, content_length=len(body), record_type="response",
            ref=response_ref, request_ref=request_ref,
            payload_digest=response_ref.payload_digest, ip_address=ip_address, refers_to=None,
        )

    def record_not_modified(
        self,
        *,
        url: str,
        method: str,
        kind: str,
        via: str | None,
        request_headers: list[tuple[str, str]],
        protocol: str,
        status: int,
        response_headers: list[tuple[str, str]],
        ip_address: str | None,
        prior: PriorCapture,
        wire: WireExchange | None = None,
    ) -> ArchivedResponse:
        """Archive a 304 as a server-not-modified revisit and hand back the original response."""
        if wire is not None:
            written = self.write_wire(wire, url=url, status=status, body=b"", ip_address=ip_address, prior=prior)
            info = self.add_written(written, kind=kind, via=via, headers=response_headers)
        else:
            exchange = _exchange(
                url=url, method=method, request_headers=request_headers, request_body=b"",
                protocol=protocol, status=status, response_headers=response_headers,
                ip_address=ip_address, fetched_at=self.clock(),
            )
            info = self._record_revisit(
                exchange, prior, RevisitProfile.SERVER_NOT_MODIFIED, kind=kind, via=via, body_length=0
            )
        self.counts["not_modified"] += 1
        return self._read_back(prior, info)

    def record_failure(self, *, url: str, method: str, kind: str, via: str | None, error: str) -> None:
        """A fetch that produced no response (connection refused, timeout, size limit...)."""
        fetched_at = self.clock()
        self.batch.insert_capture(
            url=url, kind=kind, seen_at=fetched_at,
            fields=dict(run_id=self.run_id, method=method, fetched_at=fetched_at, discovered_via=via,
                        error=error[:2000]),
        )
        self.batch.added()
        self.counts["errors"] += 1

    def write_metadata(self, *, url: str, refers_to: str, payload: bytes, content_type: str) -> RecordRef:
        ref = self.writer.write_metadata(
            url=url, refers_to=refers_to, payload=payload, content_type=content_type
        )
        self._count_records(ref)
        return ref

    def recheck_urls(self, job_runs: list[int] | None = None) -> list[str]:
        """Known reports this run has not requested: fetched once more to notice deletions.

        ``job_runs``: the runs of every worker of a distributed job (from the shared frontier);
        what any of them requested counts as reached. Runs of an earlier night that linger in
        that list are dropped (``live_job_runs``)."""
        with self.sessions() as session:
            runs = list(self.window)
            if job_runs:
                started = crawls.get_run(session, self.run_id).started_at
                for run_id in crawls.live_job_runs(session, sorted(set(job_runs)), since=started):
                    runs.extend(r for r in crawls.run_window(session, run_id) if r not in runs)
            return crawls.reports_to_recheck(session, runs)

    def write_wire(self, wire: WireExchange, *, url, status, body, ip_address, prior) -> WrittenExchange:
        """Digests, compression and the append to the WARC file (flushed): the CPU-heavy half of
        archiving an exchange. No SQL and no shared state but the writer (which has a lock), so
        the crawler may run it in a thread; ``add_written`` then adds the row on its own thread."""
        fetched_at = self.clock()
        head = wire_records.parse_head(wire.response)
        # the record keeps a chunked body's chunks; the row the de-chunked body's digest
        digest, record_digest = wire_records.payload_digests(head, wire.response, body)
        profile = revisit_profile(prior, status, digest)
        revisit = None
        if profile is not None:
            revisit = wire_records.Revisit(profile.value, prior.warc_record_id, prior.url, prior.fetched_at,
                                           prior.payload_digest)
        records = wire_records.exchange_records(
            wire, head, url=url, fetched_at=fetched_at, ip_address=ip_address, revisit=revisit,
            ids=(self.writer.record_id(), self.writer.record_id()), payload_digest=record_digest,
            level=self.config.warc_gzip_level,
        )
        ref, request_ref = self.writer.append_prepared(records)
        return WrittenExchange(
            url=url, method=wire.request.split(b" ", 1)[0].decode("ascii", "replace"), status=status,
            fetched_at=fetched_at, ref=ref, request_ref=request_ref, ip_address=ip_address,
            content_length=len(body), payload_digest=digest, prior=prior if profile is not None else None,
        )

    def add_written(self, written: WrittenExchange, *, kind: str, via: str | None, headers) -> CaptureInfo:
        """The capture row of an exchange ``write_wire`` archived (after its records are on disk)."""
        self._count_records(written.ref, written.request_ref)
        prior = written.prior
        if prior is not None:
            self.counts["revisits"] += 1
        return self._add_capture(
            url=written.url, method=written.method, kind=kind, via=via, fetched_at=written.fetched_at,
            status=written.status, headers=headers, content_length=written.content_length,
            record_type="response" if prior is None else "revisit", ref=written.ref,
            request_ref=written.request_ref,
            payload_digest=written.payload_digest if prior is None else prior.payload_digest,
            ip_address=written.ip_address, refers_to=None if prior is None else prior.capture_id,
        )

    # internals
    def _record_revisit(self, exchange, prior: PriorCapture, profile, *, kind, via, body_length) -> CaptureInfo:
        revisit_ref, request_ref = self.writer.write_revisit_exchange(
            method=exchange.pop("method"),
            request_headers=exchange.pop("request_headers"),
            request_body=exchange.pop("request_body"),
            profile=profile,
            refers_to=prior.warc_record_id,
            refers_to_url=prior.url,
            refers_to_date=prior.fetched_at,
            payload_digest=prior.payload_digest,
            **exchange,
        )
        self._count_records(revisit_ref, request_ref)
        self.counts["revisits"] += 1
        return self._add_capture(
            url=exchange["url"], method="GET", kind=kind, via=via, fetched_at=exchange["fetched_at"],
            status=exchange["status"], headers=exchange["response_headers"],
            content_length=body_length, record_type="revisit", ref=revisit_ref,
            request_ref=request_ref, payload_digest=prior.payload_digest,
            ip_address=exchange["ip_address"], refers_to=prior.capture_id,
        )

    def _add_capture(
        self, *, url, method, kind, via, fetched_at, status, headers, content_length, record_type,
        ref: RecordRef, request_ref: RecordRef, payload_digest, ip_address, refers_to,
    ) -> CaptureInfo:
        content_type = header_value(headers, "content-type")
        page_id, capture_id = self.batch.insert_capture(
            url=url, kind=kind, seen_at=fetched_at, known=url in self._full_urls,
            fields=dict(
                run_id=self.run_id,
                method=method,
                fetched_at=fetched_at,
                status=status,
                content_type=content_type[:200] if content_type else None,
                content_length=content_length,
                record_type=record_type,
                warc_filename=ref.filename,
                warc_offset=ref.offset,
                warc_length=ref.length,
                warc_record_id=ref.record_id,
                request_record_id=request_ref.record_id,
                payload_digest=payload_digest,
                ip_address=ip_address,
                etag=_clip(header_value(headers, "etag"), 200),
                last_modified=_clip(header_value(headers, "last-modified"), 100),
                refers_to_capture_id=refers_to,
                discovered_via=via,
            ),
        )
        self.batch.added()
        if record_type == "response" and status == 200:
            self._full_urls.add(url)
        self.counts["captures"] += 1
        return CaptureInfo(
            capture_id=capture_id,
            warc_filename=ref.filename,
            warc_offset=ref.offset,
            warc_record_id=ref.record_id,
            payload_digest=payload_digest,
            fetched_at=fetched_at,
            page_id=page_id,
            page_is_report=kind == "report",
        )

    def _read_back(self, prior: PriorCapture, info: CaptureInfo) -> ArchivedResponse:
        record = read_record(self.warc_dir / prior.warc_filename, prior.warc_offset)
        return ArchivedResponse(
            url=prior.url,
            status=record.status or prior.status,
            headers=record.http_headers,
            body=wire_records.stored_entity(record.http_headers, record.payload or b""),
            capture=info,
        )

    def _count_records(self, *refs: RecordRef) -> None:
        self.counts["records"] += len(refs)
        self.counts["bytes"] += sum(ref.length for ref in refs)


def revisit_profile(prior: PriorCapture | None, status: int, digest: str) -> RevisitProfile | None:
    """How an exchange answering a request that carried ``prior`` is archived: a 304 as a
    server-not-modified revisit, a 200 with the same payload digest as an identical-payload one,
    anything else (None) as a full response."""
    if prior is None:
        return None
    if status == 304:
        return RevisitProfile.SERVER_NOT_MODIFIED
    if status == 200 and prior.payload_digest == digest:
        return RevisitProfile.IDENTICAL_PAYLOAD_DIGEST
    return None


def _exchange(*, status: int, **fields) -> dict:
    """The arguments every WARC write of one exchange takes, with the status's reason phrase."""
    return dict(fields, status=status, reason=reason_phrase(status))


def _clip(value: str | None, size: int) -> str | None:
    return value[:size] if value else None


def reason_phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def _plain(value):
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    return str(value)
