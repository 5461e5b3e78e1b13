"""WARC reading and checking: one record at an offset, every record of a file, tail repair.

Files are expected to hold one gzip member per record (what ``archive.warc`` writes). Two passes
decide whether a file is whole:

1. a *member scan* walks the gzip members with zlib and finds where each complete member ends, and
   where the bytes stop being complete gzip members (a member cut short by a killed process, or
   trailing garbage). warcio's ``ArchiveIterator`` alone does not notice a truncated last member,
   and neither does ``warcio check``: both just see a shorter stream.
2. warcio's ``ArchiveIterator`` (``check_digests=True``, like ``warcio check``) parses the complete
   members and verifies block and payload digests; every record must fill exactly one member and
   hold all the bytes its ``Content-Length`` announces.

``repair_tail`` truncates a file to the end of its last complete, valid record and moves the
removed bytes into ``<file>.damaged-<offset>`` first (written and fsync'd before the truncation),
so no data is ever lost. It refuses to cut away a valid record that follows the damage. Never
repair a file a writer still has open.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeadersParserException

from archive.warc import (
    CONTENT_TYPE,
    WARC_BLOCK_DIGEST,
    WARC_CONCURRENT_TO,
    WARC_DATE,
    WARC_IP_ADDRESS,
    WARC_PAYLOAD_DIGEST,
    WARC_PROFILE,
    WARC_RECORD_ID,
    WARC_REFERS_TO,
    WARC_REFERS_TO_DATE,
    WARC_REFERS_TO_TARGET_URI,
    WARC_TARGET_URI,
)

logger = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b\x08"
READ_CHUNK = 1 << 16
DAMAGED_SUFFIX = ".damaged-"
_GZIP_WBITS = zlib.MAX_WBITS | 16


class WarcReadError(Exception):
    """A record could not be read; names the file and the offset."""

    def __init__(self, path: Path | str, offset: int, message: str):
        super().__init__(f"{path} at offset {offset}: {message}")
        self.path = str(path)
        self.offset = offset
        self.reason = message


class WarcRepairError(Exception):
    """A file cannot be repaired by cutting its tail (the damage is not at the end)."""


@dataclass(frozen=True, slots=True)
class StoredRecord:
    offset: int
    length: int  # bytes of the gzip member
    record_type: str
    record_id: str | None
    target_uri: str | None
    warc_date: str | None
    content_type: str | None
    payload_digest: str | None
    block_digest: str | None
    ip_address: str | None
    concurrent_to: tuple[str, ...]
    refers_to: str | None
    refers_to_target_uri: str | None
    refers_to_date: str | None
    profile: str | None
    warc_headers: tuple[tuple[str, str], ...]
    status_line: str | None  # whole first HTTP line: "HTTP/1.1 200 OK" or "GET /a?b HTTP/1.1"
    status: int | None  # HTTP status of a response or revisit
    http_headers: tuple[tuple[str, str], ...]
    payload: bytes | None  # bytes after the HTTP headers exactly as stored (None: not loaded)
    digest_ok: bool | None  # None: no digest to check (or a revisit)


@dataclass(frozen=True, slots=True)
class RecordCheck:
    offset: int
    length: int
    record_type: str | None
    record_id: str | None
    digest_ok: bool | None
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class FileCheck:
    path: str
    size: int
    records: int  # records parsed
    valid_records: int  # complete, valid records before the first problem
    end_offset: int  # end of the last of those records: where repair_tail would cut
    read_end: int  # where the read of complete gzip members stopped
    whole: bool  # every byte belongs to a complete, valid record
    digests_ok: bool
    problems: tuple[str, ...]
    record_checks: tuple[RecordCheck, ...]


@dataclass(frozen=True, slots=True)
class RepairResult:
    path: str
    original_size: int
    truncated_to: int
    damaged_path: str
    damaged_bytes: int
    records_kept: int
    reason: str


# ---------------------------------------------------------------------- gzip members


@dataclass(frozen=True, slots=True)
class _Scan:
    members: tuple[tuple[int, int], ...]  # (start, end) of complete members, in order
    stop: int  # offset where complete members stop (== size when all are complete)
    problem: str | None


def _member_end(f: BinaryIO, start: int) -> tuple[int | None, str | None]:
    """End offset of the gzip member starting at ``start``, or (None, why)."""
    f.seek(start)
    if f.read(len(GZIP_MAGIC)) != GZIP_MAGIC:
        return None, "no gzip member starts here (trailing garbage or wrong offset)"
    f.seek(start)
    decomp = zlib.decompressobj(_GZIP_WBITS)
    consumed = 0
    while not decomp.eof:
        chunk = f.read(READ_CHUNK)
        if not chunk:
            return None, "gzip member truncated (file cut short mid-record)"
        try:
            while chunk:
                decomp.decompress(chunk, READ_CHUNK * 16)
                consumed += len(chunk) - len(decomp.unconsumed_tail)
                chunk = decomp.unconsumed_tail
                if decomp.eof:
                    break
        except zlib.error as exc:
            return None, f"corrupt gzip data ({exc})"
    return start + consumed - len(decomp.unused_data), None


def _scan_members(f: BinaryIO, size: int) -> _Scan:
    members: list[tuple[int, int]] = []
    pos = 0
    while pos < size:
        end, problem = _member_end(f, pos)
        if end is None:
            return _Scan(tuple(members), pos, problem)
        members.append((pos, end))
        pos = end
    return _Scan(tuple(members), pos, None)


class _Bounded:
    """A read-only view of ``f`` that ends at ``limit`` (for ArchiveIterator)."""

    def __init__(self, f: BinaryIO, limit: int):
        self._f = f
        self._limit = limit

    def tell(self) -> int:
        return self._f.tell()

    def read(self, size: int = -1) -> bytes:
        left = self._limit - self._f.tell()
        if left <= 0:
            return b""
        if size is None or size < 0 or size > left:
            size = left
        return self._f.read(size)

    def close(self) -> None:
        pass


# ---------------------------------------------------------------------- records


def _stored(record: ArcWarcRecord, offset: int, length: int, payload: bytes | None) -> StoredRecord:
    rec = record.rec_headers
    http = record.http_headers
    status_line = None
    status = None
    if http is not None:
        status_line = " ".join(part for part in (http.protocol, http.statusline) if part)
        if record.rec_type in ("response", "revisit"):
            code = http.get_statuscode()
            status = int(code) if code.isdigit() else None
    return StoredRecord(
        offset=offset,
        length=length,
        record_type=record.rec_type,
        record_id=rec.get_header(WARC_RECORD_ID),
        target_uri=rec.get_header(WARC_TARGET_URI),
        warc_date=rec.get_header(WARC_DATE),
        content_type=rec.get_header(CONTENT_TYPE),
        payload_digest=rec.get_header(WARC_PAYLOAD_DIGEST),
        block_digest=rec.get_header(WARC_BLOCK_DIGEST),
        ip_address=rec.get_header(WARC_IP_ADDRESS),
        concurrent_to=tuple(v for k, v in rec.headers if k.lower() == WARC_CONCURRENT_TO.lower()),
        refers_to=rec.get_header(WARC_REFERS_TO),
        refers_to_target_uri=rec.get_header(WARC_REFERS_TO_TARGET_URI),
        refers_to_date=rec.get_header(WARC_REFERS_TO_DATE),
        profile=rec.get_header(WARC_PROFILE),
        warc_headers=tuple(rec.headers),
        status_line=status_line,
        status=status,
        http_headers=tuple(http.headers) if http is not None else (),
        payload=payload,
        digest_ok=record.digest_checker.passed,
    )


def _read_payload(record: ArcWarcRecord, keep: bool) -> tuple[bytes | None, str | None]:
    """Read the rest of the record (so digests are checked); (payload, problem-if-short)."""
    parts: list[bytes] = []
    count = 0
    while True:
        buf = record.raw_stream.read(READ_CHUNK)
        if not buf:
            break
        count += len(buf)
        if keep:
            parts.append(buf)
    expected = record.payload_length if record.http_headers is not None else record.length
    problem = None
    if expected is not None and expected >= 0 and count < expected:
        problem = f"record holds {count} of {expected} announced payload bytes (truncated)"
    return (b"".join(parts) if keep else None), problem


def read_record(path: Path | str, offset: int) -> StoredRecord:
    """The record whose gzip member starts at ``offset``; raises ``WarcReadError``."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if not 0 <= offset < size:
                raise WarcReadError(path, offset, f"offset outside the file ({size} bytes)")
            end, problem = _member_end(f, offset)
            if end is None:
                raise WarcReadError(path, offset, f"{problem}; check the file with check_file/repair_tail")
            f.seek(offset)
            member = f.read(end - offset)
    except OSError as exc:
        raise WarcReadError(path, offset, f"cannot read file: {exc.strerror or exc}") from exc
    stream = io.BytesIO(member)
    try:
        with _captured_stderr(path):
            it = ArchiveIterator(stream, check_digests=True)
            record = next(it, None)
            if record is None:
                raise WarcReadError(path, offset, "no WARC record in this gzip member")
            payload, short = _read_payload(record, keep=True)
            if short:
                raise WarcReadError(path, offset, short)
            stored = _stored(record, offset, end - offset, payload)
            if it.get_record_offset() + it.get_record_length() != len(member):
                raise WarcReadError(path, offset, "gzip member holds more than one record")
    except (ArchiveLoadFailed, StatusAndHeadersParserException, ValueError, zlib.error) as exc:
        raise WarcReadError(path, offset, f"not a readable WARC record: {exc}") from exc
    if stored.digest_ok is False:
        problems = "; ".join(record.digest_checker.problems)
        raise WarcReadError(path, offset, f"digest mismatch ({problems}): the stored bytes changed")
    return stored


def iter_records(path: Path | str, *, with_payload: bool = False) -> Iterator[tuple[int, int, StoredRecord]]:
    """(offset, length, record) for every record, in file order; stops at the first bad byte.

    ``record.payload`` is None unless ``with_payload``. Raises ``WarcReadError`` where the file
    stops being readable (use ``check_file`` for a report instead of an exception).
    """
    path = Path(path)
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        with _captured_stderr(path):
            it = ArchiveIterator(f, check_digests=True)
            offset = 0
            try:
                for record in it:
                    payload, short = _read_payload(record, keep=with_payload)
                    offset, length = it.get_record_offset(), it.get_record_length()
                    if short:
                        raise WarcReadError(path, offset, short)
                    yield offset, length, _stored(record, offset, length, payload)
                    offset += length
            except (ArchiveLoadFailed, StatusAndHeadersParserException, ValueError, zlib.error) as exc:
                raise WarcReadError(path, offset, f"not a readable WARC record: {exc}") from exc
    scan = _scan_path(path, size)
    if scan.problem:
        raise WarcReadError(path, scan.stop, scan.problem)


def _scan_path(path: Path, size: int) -> _Scan:
    with open(path, "rb") as f:
        return _scan_members(f, size)


@contextlib.contextmanager
def _captured_stderr(path: Path) -> Iterator[None]:
    """warcio prints some warnings to stderr; library code logs them instead."""
    buffer = io.StringIO()
    with contextlib.redirect_stderr(buffer):
        yield
    text = buffer.getvalue().strip()
    if text:
        logger.warning("warcio on %s: %s", path, text)


# ---------------------------------------------------------------------- whole files


def check_file(path: Path | str) -> FileCheck:
    """Read the whole file: gzip members, records, digests; say whether it is whole."""
    path = Path(path)
    problems: list[str] = []
    checks: list[RecordCheck] = []
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        scan = _scan_members(f, size)
        if scan.problem:
            problems.append(f"offset {scan.stop}: {scan.problem} ({size - scan.stop} bytes to the end)")
        f.seek(0)
        checks = _check_records(path, _Bounded(f, scan.stop), scan.members)
    valid = 0
    end_offset = 0
    for check in checks:
        problems.extend(f"offset {check.offset}: {p}" for p in check.problems)
    for check in checks:
        if not check.ok:
            break
        valid += 1
        end_offset = check.offset + check.length
    if len(checks) < len(scan.members):
        problems.append(f"{len(scan.members)} gzip members but {len(checks)} records")
    whole = not problems and end_offset == size
    return FileCheck(
        path=str(path),
        size=size,
        records=len(checks),
        valid_records=valid,
        end_offset=end_offset,
        read_end=scan.stop,
        whole=whole,
        digests_ok=all(c.digest_ok is not False for c in checks),
        problems=tuple(problems),
        record_checks=tuple(checks),
    )


def _check_records(path: Path, stream: _Bounded, members: tuple[tuple[int, int], ...]) -> list[RecordCheck]:
    checks: list[RecordCheck] = []
    offset = 0
    try:
        with _captured_stderr(path):
            it = ArchiveIterator(stream, check_digests=True)
            for index, record in enumerate(it):
                _, short = _read_payload(record, keep=False)
                offset, length = it.get_record_offset(), it.get_record_length()
                found: list[str] = []
                if short:
                    found.append(short)
                if record.digest_checker.passed is False:
                    found.extend(record.digest_checker.problems)
                if index >= len(members) or members[index] != (offset, offset + length):
                    found.append("record does not fill exactly one gzip member")
                checks.append(
                    RecordCheck(
                        offset=offset,
                        length=length,
                        record_type=record.rec_type,
                        record_id=record.rec_headers.get_header(WARC_RECORD_ID),
                        digest_ok=record.digest_checker.passed,
                        problems=tuple(found),
                    )
                )
                offset += length
    except (ArchiveLoadFailed, StatusAndHeadersParserException, ValueError, zlib.error) as exc:
        where = members[len(checks)][0] if len(checks) < len(members) else offset
        checks.append(RecordCheck(where, 0, None, None, None, (f"unreadable record: {exc}",)))
    return checks


def repair_tail(path: Path | str) -> RepairResult | None:
    """Cut a damaged tail off ``path``, moving the bytes to ``<path>.damaged-<offset>``.

    Returns None when the file is whole. Raises ``WarcRepairError`` when a valid record follows
    the damage (cutting would remove good data: copy the file and inspect it by hand).
    """
    path = Path(path)
    check = check_file(path)
    if check.whole:
        return None
    cut = check.end_offset
    with open(path, "r+b") as f:
        later = _valid_member_after(path, f, cut, check)
        if later is not None:
            raise WarcRepairError(
                f"{path}: damage at offset {cut} is followed by a valid record at offset {later}; "
                "not a damaged tail, so nothing was cut (inspect the file with check_file)"
            )
        f.seek(cut)
        tail = f.read()
        damaged = _damaged_path(path, cut)
        with open(damaged, "xb") as out:
            out.write(tail)
            out.flush()
            os.fsync(out.fileno())
        f.truncate(cut)
        f.flush()
        os.fsync(f.fileno())
    reason = "; ".join(check.problems) or "bytes after the last record"
    logger.warning(
        "repaired %s: cut %d bytes at offset %d into %s (%s)", path, len(tail), cut, damaged, reason
    )
    return RepairResult(
        path=str(path),
        original_size=check.size,
        truncated_to=cut,
        damaged_path=str(damaged),
        damaged_bytes=len(tail),
        records_kept=check.valid_records,
        reason=reason,
    )


def _valid_member_after(path: Path, f: BinaryIO, cut: int, check: FileCheck) -> int | None:
    """Offset of a complete, readable record somewhere after ``cut``, if any."""
    # records the iterator already found valid after the first bad one
    bad_seen = False
    for rc in check.record_checks:
        if not rc.ok:
            bad_seen = True
        elif bad_seen and rc.offset >= cut:
            return rc.offset
    # beyond the end of complete members: look for gzip magic inside the damaged bytes
    f.seek(check.read_end)
    tail = f.read()
    pos = tail.find(GZIP_MAGIC, 1)
    while pos >= 0:
        start = check.read_end + pos
        end, _ = _member_end(f, start)
        if end is not None:
            try:
                read_record(path, start)
                return start
            except WarcReadError:
                pass
        pos = tail.find(GZIP_MAGIC, pos + 1)
    return None


def _damaged_path(path: Path, offset: int) -> Path:
    candidate = path.with_name(f"{path.name}{DAMAGED_SUFFIX}{offset}")
    serial = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}{DAMAGED_SUFFIX}{offset}.{serial}")
        serial += 1
    return candidate
