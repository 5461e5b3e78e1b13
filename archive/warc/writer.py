"""WARC files: records appended to rotating ``.warc.gz`` files, flushed before each call returns.

Records are built by ``archive.warc.records.RecordBuilder``; this module decides which file they
go to and makes them durable. Decisions (see also ``docs/design.md``, contract ``archive.warc``):

* **File names.** ``{prefix}[-{worker_id}]-{UTC YYYYMMDDHHMMSS}-{serial:05d}-{pid}.warc.gz``, the
  final name from the first byte on (no ``.open`` suffix). The database stores the file name at
  write time, so a rename on rotation would leave rows pointing at a name that no longer exists
  until the rename; with the final name the row is right the moment it commits. A half-written
  file (process killed mid-record) is instead recognised by reading: ``archive.warc.check.check_file``
  finds the partial gzip member and ``repair_tail`` truncates it (moving the bytes aside). Files
  are opened lazily on the first write (no empty files for a crawl that fetched nothing) with
  ``O_EXCL``; a name already taken bumps the serial. ``serial`` starts at 0. The ``warcinfo``
  record is built when its file opens, i.e. after the ids of the record that triggered the
  opening were drawn from the ``record_id`` factory.
* **Rotation.** Each record is built in memory first, so its compressed size is known before it
  touches the file: when appending it (or the request/response pair of one exchange, which always
  stay together) would take the file past ``max_size``, the file is closed and a new one is opened
  with a ``warcinfo`` record first. A record larger than ``max_size`` goes alone into a fresh file.
* **Durability.** Every write call appends whole gzip members with one ``write`` and flushes to the
  OS before it returns (``fsync=True`` adds ``os.fsync`` on the file and, for a new file, on the
  directory). If the write fails the file is truncated back to the last whole record.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

from archive.clock import utc_now
from archive.warc.files import WARC_SUFFIX
from archive.warc.records import (
    WARCINFO_DEFAULTS,
    BuiltRecord,
    Exchange,
    RecordBuilder,
    RecordRef,
    RevisitProfile,
    http_version,
    new_record_id,
    warc_date,
)

logger = logging.getLogger(__name__)

DEFAULT_PREFIX = "gongkai"
DEFAULT_MAX_SIZE = 1_000_000_000
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_-]+")


class WarcWriteError(Exception):
    """A record could not be written (bad input or an I/O failure); names the file."""


def sanitize_name_part(value: str) -> str:
    return _UNSAFE_NAME.sub("_", value).strip("_") or "_"



class WarcWriter:
    """Appends WARC records to rotating ``.warc.gz`` files in ``directory``."""

    def __init__(
        self,
        directory: Path,
        *,
        prefix: str = DEFAULT_PREFIX,
        worker_id: str | None = None,
        max_size: int = DEFAULT_MAX_SIZE,
        warcinfo: Mapping[str, str],
        clock: Callable[[], datetime] = utc_now,
        record_id: Callable[[], str] = new_record_id,
        fsync: bool = False,
        pid: int | None = None,
    ):
        if max_size <= 0:
            raise ValueError(f"max_size must be positive, got {max_size!r}")
        self.directory = Path(directory)
        self.prefix = sanitize_name_part(prefix)
        self.worker_id = sanitize_name_part(worker_id) if worker_id else None
        self.max_size = max_size
        self.warcinfo = {**WARCINFO_DEFAULTS, **dict(warcinfo)}
        self.clock = clock
        self.record_id = record_id
        self.fsync = fsync
        self.pid = os.getpid() if pid is None else pid
        self._serial = 0
        self._file: BinaryIO | None = None
        self._filename: str | None = None
        self._size = 0
        self._first_record_end = 0
        self._closed = False
        self._lock = threading.Lock()
        self._builder = RecordBuilder(clock=clock, record_id=record_id)

    # ------------------------------------------------------------------ public API

    @property
    def filename(self) -> str | None:
        """Name of the file being written, or None before the first write / after close."""
        return self._filename

    def write_exchange(self, **exchange: Any) -> tuple[RecordRef, RecordRef]:
        """Write a ``response`` then its ``request`` record, whose ``WARC-Concurrent-To`` names the
        response; returns (response, request). Takes the fields of ``records.Exchange`` (url,
        method, request_headers, request_body, protocol, status, reason, response_headers, body,
        ip_address, fetched_at) as keywords."""
        response, request = self._builder.exchange(Exchange(**exchange))
        response_ref, request_ref = self._append([response, request])
        return response_ref, request_ref

    def write_revisit_exchange(
        self,
        *,
        method: str,
        request_headers: list[tuple[str, str]],
        request_body: bytes = b"",
        **revisit,
    ) -> tuple[RecordRef, RecordRef]:
        """A ``revisit`` record (arguments of ``write_revisit``) and the ``request`` that got it,
        kept in one file, the request's ``WARC-Concurrent-To`` naming the revisit; returns
        (revisit, request)."""
        revisit_id = self.record_id()
        request_id = self.record_id()
        built = self._builder.revisit(record_id=revisit_id, **revisit)
        request = self._builder.request(
            url=revisit["url"], method=method, headers=request_headers, body=request_body,
            version=http_version(revisit["protocol"]), date=warc_date(revisit["fetched_at"]),
            record_id=request_id, concurrent_to=revisit_id,
        )
        revisit_ref, request_ref = self._append([built, request])
        return revisit_ref, request_ref

    def write_revisit(
        self,
        *,
        url: str,
        profile: RevisitProfile | str,
        refers_to: str,
        refers_to_url: str,
        refers_to_date: datetime,
        payload_digest: str | None,
        protocol: str,
        status: int,
        reason: str,
        response_headers: list[tuple[str, str]],
        ip_address: str | None,
        fetched_at: datetime,
    ) -> RecordRef:
        """A ``revisit`` record: the new response's status line and headers, no body.

        ``identical-payload-digest`` needs the (shared) ``payload_digest``; for
        ``server-not-modified`` it is written when given.
        """
        built = self._builder.revisit(
            record_id=self.record_id(), url=url, profile=profile,
            refers_to=refers_to, refers_to_url=refers_to_url, refers_to_date=refers_to_date,
            payload_digest=payload_digest, protocol=protocol, status=status, reason=reason,
            response_headers=response_headers, ip_address=ip_address, fetched_at=fetched_at,
        )
        return self._append([built])[0]


    def write_metadata(self, *, url: str, refers_to: str, payload: bytes, content_type: str) -> RecordRef:
        """A ``metadata`` record about the record ``refers_to`` (e.g. cleaning findings)."""
        built = self._builder.metadata(url=url, refers_to=refers_to, payload=payload, content_type=content_type)
        return self._append([built])[0]

    def write_resource(self, *, url: str, payload: bytes, content_type: str) -> RecordRef:
        """A ``resource`` record: content obtained without an HTTP exchange."""
        built = self._builder.resource(url=url, payload=payload, content_type=content_type)
        return self._append([built])[0]

    def append_prepared(self, records: Sequence[BuiltRecord]) -> list[RecordRef]:
        """Append records built elsewhere as whole gzip members (``archive.warc.wire``: the bytes
        of an exchange as they crossed the wire), kept in one file, flushed before returning."""
        return self._append(list(records))

    def close(self) -> None:
        """Close the current file; idempotent. Further writes raise ``WarcWriteError``."""
        with self._lock:
            self._close_file()
            self._closed = True

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # ------------------------------------------------------------------ files

    def _append(self, records: list[BuiltRecord]) -> list[RecordRef]:
        with self._lock:
            if self._closed:
                raise WarcWriteError(f"WARC writer for {self.directory} is closed; open a new WarcWriter")
            total = sum(len(r.data) for r in records)
            if self._file is not None and self._size > self._first_record_end and self._size + total > self.max_size:
                logger.info("WARC file %s reached %d bytes; rotating", self._filename, self._size)
                self._close_file()
            if self._file is None:
                self._open_file()
            refs = []
            offset = self._size
            for r in records:
                refs.append(
                    RecordRef(
                        filename=self._filename,
                        offset=offset,
                        length=len(r.data),
                        record_id=r.record_id,
                        payload_digest=r.payload_digest,
                        block_digest=r.block_digest,
                    )
                )
                offset += len(r.data)
            self._write(b"".join(r.data for r in records))
            return refs

    def _write(self, data: bytes) -> None:
        assert self._file is not None
        start = self._size
        try:
            self._file.write(data)
            self._file.flush()
            if self.fsync:
                os.fsync(self._file.fileno())
        except OSError as exc:
            path = self.directory / self._filename
            logger.error("write to %s at offset %d failed: %s; truncating back", path, start, exc)
            try:
                self._file.seek(start)
                self._file.truncate(start)
                self._file.flush()
            except OSError:
                logger.exception("could not truncate %s to %d; run repair_tail on it", path, start)
                self._close_file()
            raise WarcWriteError(f"cannot write WARC record to {path} at offset {start}: {exc}") from exc
        self._size += len(data)

    def _name(self, when: datetime, serial: int) -> str:
        parts = [self.prefix]
        if self.worker_id:
            parts.append(self.worker_id)
        stamp = when.astimezone(UTC).strftime("%Y%m%d%H%M%S")
        parts += [stamp, f"{serial:05d}", str(self.pid)]
        return "-".join(parts) + WARC_SUFFIX

    def _open_file(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        when = self.clock()
        while True:
            name = self._name(when, self._serial)
            self._serial += 1
            try:
                handle = open(self.directory / name, "xb")  # noqa: SIM115 - kept open across calls
            except FileExistsError:
                logger.warning("WARC file %s exists already; trying the next serial", name)
                continue
            break
        self._file = handle
        self._filename = name
        self._size = 0
        self._first_record_end = 0
        if self.fsync:
            dir_fd = os.open(self.directory, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        info = self._builder.warcinfo(name, self.warcinfo)
        self._write(info.data)
        self._first_record_end = self._size
        logger.info("writing WARC file %s", self.directory / name)

    def _close_file(self) -> None:
        if self._file is None:
            return
        try:
            self._file.flush()
            if self.fsync:
                os.fsync(self._file.fileno())
        finally:
            self._file.close()
            self._file = None
            self._filename = None
            self._size = 0
