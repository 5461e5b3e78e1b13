"""Reading WARC files: one record at an offset, or every record of a file, digests checked.

Files are expected to hold one gzip member per record (what ``archive.warc.writer`` writes).
Reading walks the gzip members with zlib first, to find where each complete member ends:
warcio's ``ArchiveIterator`` alone does not notice a truncated last member, and neither does
``warcio check`` (both just see a shorter stream). ``archive.warc.check`` builds whole-file
checks and tail repair on the same scan.
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

from archive.warc.records import (
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
_GZIP_WBITS = zlib.MAX_WBITS | 16
#: What warcio raises on bytes that are not a readable record.
UNREADABLE = (ArchiveLoadFailed, StatusAndHeadersParserException, ValueError, zlib.error)


class WarcReadError(Exception):
    """A record could not be read; names the file and the offset."""

    def __init__(self, path: Path | str, offset: int, message: str):
        super().__init__(f"{path} at offset {offset}: {message}")
        self.path = str(path)
        self.offset = offset
        self.reason = message



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




# ---------------------------------------------------------------------- gzip members


@dataclass(frozen=True, slots=True)
class Scan:
    members: tuple[tuple[int, int], ...]  # (start, end) of complete members, in order
    stop: int  # offset where complete members stop (== size when all are complete)
    problem: str | None


def member_end(f: BinaryIO, start: int) -> tuple[int | None, str | None]:
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


def scan_members(f: BinaryIO, size: int) -> Scan:
    members: list[tuple[int, int]] = []
    pos = 0
    while pos < size:
        end, problem = member_end(f, pos)
        if end is None:
            return Scan(tuple(members), pos, problem)
        members.append((pos, end))
        pos = end
    return Scan(tuple(members), pos, None)


class Bounded:
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


def read_payload(record: ArcWarcRecord, keep: bool) -> tuple[bytes | None, str | None]:
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
            end, problem = member_end(f, offset)
            if end is None:
                raise WarcReadError(path, offset, f"{problem}; check the file with check_file/repair_tail")
            f.seek(offset)
            member = f.read(end - offset)
    except OSError as exc:
        raise WarcReadError(path, offset, f"cannot read file: {exc.strerror or exc}") from exc
    stream = io.BytesIO(member)
    try:
        with captured_stderr(path):
            it = ArchiveIterator(stream, check_digests=True)
            record = next(it, None)
            if record is None:
                raise WarcReadError(path, offset, "no WARC record in this gzip member")
            payload, short = read_payload(record, keep=True)
            if short:
                raise WarcReadError(path, offset, short)
            stored = _stored(record, offset, end - offset, payload)
            if it.get_record_offset() + it.get_record_length() != len(member):
                raise WarcReadError(path, offset, "gzip member holds more than one record")
    except UNREADABLE as exc:
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
        with captured_stderr(path):
            it = ArchiveIterator(f, check_digests=True)
            offset = 0
            try:
                for record in it:
                    payload, short = read_payload(record, keep=with_payload)
                    offset, length = it.get_record_offset(), it.get_record_length()
                    if short:
                        raise WarcReadError(path, offset, short)
                    yield offset, length, _stored(record, offset, length, payload)
                    offset += length
            except UNREADABLE as exc:
                raise WarcReadError(path, offset, f"not a readable WARC record: {exc}") from exc
    scan = _scan_path(path, size)
    if scan.problem:
        raise WarcReadError(path, scan.stop, scan.problem)


def _scan_path(path: Path, size: int) -> Scan:
    with open(path, "rb") as f:
        return scan_members(f, size)


@contextlib.contextmanager
def captured_stderr(path: Path) -> Iterator[None]:
    """warcio prints some warnings to stderr; library code logs them instead."""
    buffer = io.StringIO()
    with contextlib.redirect_stderr(buffer):
        yield
    text = buffer.getvalue().strip()
    if text:
        logger.warning("warcio on %s: %s", path, text)


