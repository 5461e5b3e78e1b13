"""SQL models: crawl runs, pages, captures (every fetch), report versions, findings, statistics.

Every report version points at the capture it was extracted from, and every capture points at
its WARC record (file name, offset, length, record id, digest): any row can be traced back to the
bytes that came off the wire.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from archive.sql.types import UtcDateTime

URL_LENGTH = 2048


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class CrawlRun(Base):
    """One invocation of ``gongkai crawl`` (or ``scrapy crawl reports``)."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(20), default="running")
    finish_reason: Mapped[str | None] = mapped_column(String(100))
    site: Mapped[str | None] = mapped_column(String(100))
    worker_id: Mapped[str | None] = mapped_column(String(100))
    data_dir: Mapped[str | None] = mapped_column(Text)
    start_urls: Mapped[list[Any]] = mapped_column(default=list)
    software: Mapped[str] = mapped_column(String(100))
    pages_fetched: Mapped[int] = mapped_column(Integer, default=0)
    reports_seen: Mapped[int] = mapped_column(Integer, default=0)
    versions_new: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warc_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    not_modified: Mapped[int] = mapped_column(Integer, default=0)
    revisits: Mapped[int] = mapped_column(Integer, default=0)
    reports_new: Mapped[int] = mapped_column(Integer, default=0)
    reports_changed: Mapped[int] = mapped_column(Integer, default=0)
    reports_removed: Mapped[int] = mapped_column(Integer, default=0)
    exit_status: Mapped[int | None] = mapped_column(Integer)
    resumes_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Page(Base):
    """A URL as an identity: one row per distinct URL ever fetched."""

    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(URL_LENGTH), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # report | listing | attachment | robots | other
    first_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)

    versions: Mapped[list[ReportVersion]] = relationship(
        back_populates="page", order_by="ReportVersion.version_no"
    )


class Capture(Base):
    """One HTTP exchange (or failed attempt) and where its bytes sit in the WARC files."""

    __tablename__ = "captures"
    __table_args__ = (
        Index("ix_captures_page_fetched", "page_id", "fetched_at"),
        Index("ix_captures_warc", "warc_filename", "warc_offset"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"))
    url: Mapped[str] = mapped_column(String(URL_LENGTH))
    method: Mapped[str] = mapped_column(String(10), default="GET")
    fetched_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[int | None] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(200))
    content_length: Mapped[int | None] = mapped_column(BigInteger)
    record_type: Mapped[str | None] = mapped_column(String(20))  # response | revisit
    warc_filename: Mapped[str | None] = mapped_column(String(255))
    warc_offset: Mapped[int | None] = mapped_column(BigInteger)
    warc_length: Mapped[int | None] = mapped_column(BigInteger)
    warc_record_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    request_record_id: Mapped[str | None] = mapped_column(String(100))
    payload_digest: Mapped[str | None] = mapped_column(String(100))
    ip_address: Mapped[str | None] = mapped_column(String(64))
    etag: Mapped[str | None] = mapped_column(String(200))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    # For revisit records: the capture whose response record holds the payload.
    refers_to_capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"))
    # How the crawl reached the URL: listing, chain (上一条/下一条), recheck, start, ...
    discovered_via: Mapped[str | None] = mapped_column(String(20))
    error: Mapped[str | None] = mapped_column(Text)

    page: Mapped[Page] = relationship()
    refers_to: Mapped[Capture | None] = relationship(remote_side="Capture.id")


class ReportVersion(Base):
    """The extracted, cleaned content of a report page; a new row only when content changes."""

    __tablename__ = "report_versions"
    __table_args__ = (
        UniqueConstraint("page_id", "version_no"),
        Index("ix_report_versions_township_year", "township", "report_year"),
        Index("ix_report_versions_unit_year", "unit", "report_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"))
    version_no: Mapped[int] = mapped_column(Integer)
    capture_id: Mapped[int] = mapped_column(ForeignKey("captures.id"))
    last_capture_id: Mapped[int] = mapped_column(ForeignKey("captures.id"))
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    extractor_version: Mapped[str] = mapped_column(String(40))
    encoding: Mapped[str | None] = mapped_column(String(40))
    column_id: Mapped[str | None] = mapped_column(String(40))
    column_name: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    visible_title: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(String(200), index=True)       # the reporting body (issue 15)
    unit_kind: Mapped[str | None] = mapped_column(String(20), index=True)   # township, department, ...
    township: Mapped[str | None] = mapped_column(String(100), index=True)
    report_year: Mapped[int | None] = mapped_column(Integer, index=True)
    published_date: Mapped[date | None] = mapped_column(Date)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=False))
    source: Mapped[str | None] = mapped_column(Text)
    issuer: Mapped[str | None] = mapped_column(Text)
    index_no: Mapped[str | None] = mapped_column(String(200))
    doc_no: Mapped[str | None] = mapped_column(String(200))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    prev_url: Mapped[str | None] = mapped_column(String(URL_LENGTH))
    next_url: Mapped[str | None] = mapped_column(String(URL_LENGTH))
    attachments: Mapped[list[Any]] = mapped_column(default=list)
    raw_text: Mapped[str] = mapped_column(Text)
    clean_text: Mapped[str] = mapped_column(Text)
    provenance: Mapped[dict[str, Any]] = mapped_column(default=dict)
    conflicts: Mapped[list[Any]] = mapped_column(default=list)

    page: Mapped[Page] = relationship(back_populates="versions")
    capture: Mapped[Capture] = relationship(foreign_keys=[capture_id])
    last_capture: Mapped[Capture] = relationship(foreign_keys=[last_capture_id])
    findings: Mapped[list[SpamFinding]] = relationship(
        back_populates="version", order_by="SpamFinding.id", cascade="all, delete-orphan"
    )
    statistics: Mapped[list[Statistic]] = relationship(
        back_populates="version", order_by="Statistic.id", cascade="all, delete-orphan"
    )


#: ``SpamFinding.action`` of a span the cleaner suspects but left in place (the others: removed,
#: restored): reported, never counted as infection.
SUSPECTED = "suspected"


class SpamFinding(Base):
    """One injected piece of spam found in a report version, and what cleaning did with it."""

    __tablename__ = "spam_findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("report_versions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    rule: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    replacement: Mapped[str | None] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float)
    field: Mapped[str] = mapped_column(String(40))
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)
    signal: Mapped[str] = mapped_column(String(100))

    version: Mapped[ReportVersion] = relationship(back_populates="findings")


class Statistic(Base):
    """One figure of a report (a prose figure or a table cell) under a stable metric id."""

    __tablename__ = "statistics"
    __table_args__ = (Index("ix_statistics_metric", "metric"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("report_versions.id"), index=True)
    metric: Mapped[str] = mapped_column(String(120))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(20))
    qualifier: Mapped[str | None] = mapped_column(String(20))
    section: Mapped[str | None] = mapped_column(Text)
    template: Mapped[str] = mapped_column(String(40))

    version: Mapped[ReportVersion] = relationship(back_populates="statistics")


class Event(Base):
    """One observed change (new, changed, removed, unlisted, reappeared, spam_injected,
    spam_cleared, fetch_failed), pointing at the captures it rests on."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_detected", "detected_at"),
        UniqueConstraint("run_id", "page_id", "event", name="uq_events_run_page_event"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"))
    url: Mapped[str] = mapped_column(String(URL_LENGTH))
    event: Mapped[str] = mapped_column(String(20))
    detected_at: Mapped[datetime] = mapped_column(UtcDateTime)
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"))
    previous_capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("report_versions.id"))
    summary: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
