"""WARC writing: one gzip member per record, WARC/1.1, through warcio.

Design decisions (see also ``docs/design.md``, contract ``archive.warc``):

* **File names.** ``{prefix}[-{worker_id}]-{UTC YYYYMMDDHHMMSS}-{serial:05d}-{pid}.warc.gz``, the
  final name from the first byte on (no ``.open`` suffix). The database stores the file name at
  write time, so a rename on rotation would leave rows pointing at a name that no longer exists
  until the rename; with the final name the row is right the moment it commits. A half-written
  file (process killed mid-record) is instead recognised by reading: ``archive.warcread.check_file``
  finds the partial gzip member and ``repair_tail`` truncates it (moving the bytes aside). Files
  are opened lazily on the first write (no empty files for a crawl that fetched nothing) with
  ``O_EXCL``; a name already taken bumps the serial. ``serial`` starts at 0. The ``warcinfo``
  record is built when its file opens, i.e. after the ids of the record that triggered the
  opening were drawn from the ``record_id`` factory.
* **Input checks.** A CR or LF inside a header name/value, URL or record id raises ``ValueError``
  before anything is written (it would end the header block early and corrupt the record).
* **Rotation.** Each record is built in memory first, so its compressed size is known before it
  touches the file: when appending it (or the request/response pair of one exchange, which always
  stay together) would take the file past ``max_size``, the file is closed and a new one is opened
  with a ``warcinfo`` record first. A record larger than ``max_size`` goes alone into a fresh file.
* **Gzip.** warcio's ``GzippingWrapper`` (zlib, wbits 31) writes ``MTIME = 0`` in every member
  header, so the bytes depend only on the input and the zlib build. Tests compare the
  decompressed records with the golden file (a different zlib may deflate differently).
* **HTTP headers verbatim.** warcio would re-serialise HTTP headers and %-encode non-ASCII values;
  we hand it a pre-built header block instead (``_VerbatimHeaders``): every header in the given
  order, repeats kept, ``Content-Length`` as sent. Each header line is encoded as Latin-1 (so
  ``str`` obtained by decoding the wire bytes as Latin-1 round-trips to the same bytes) and as
  UTF-8 only when it holds characters beyond U+00FF.
* **Chunked.** (Records rebuilt from Scrapy's objects; an exchange captured at the wire keeps its
  chunks as received and is built by ``archive.wirerecord``, appended with ``append_prepared``.)
  Bodies are given de-chunked (Scrapy hands them so). If the response headers say
  ``Transfer-Encoding: chunked`` and the body does not parse as a complete chunked stream, the
  header is stored as ``X-Archive-Orig-Transfer-Encoding`` so that readers do not try to de-chunk
  the stored body (the original name and value stay visible under the prefix). ``Content-Encoding``
  is kept: gzip bodies stay gzip, byte for byte.
* **HTTP version.** The status line uses ``protocol`` as given when it starts with ``HTTP/``;
  ``h2``/``HTTP/2`` becomes ``HTTP/2``, an empty value ``HTTP/1.1``.
* **Links and digests.** As Heritrix writes them: the response (or revisit) comes first and the
  request that got it follows, naming it in ``WARC-Concurrent-To``. The request repeats neither
  that link's reverse nor the response's ``WARC-IP-Address``. Every record has a
  ``WARC-Block-Digest``; a request without a body has no ``WARC-Payload-Digest`` (it would be
  the digest of zero bytes). This keeps an unchanged page's revisit and request near 1 KB
  gzipped together, which is what a nightly run costs per page.
* **Durability.** Every write call appends whole gzip members with one ``write`` and flushes to the
  OS before it returns (``fsync=True`` adds ``os.fsync`` on the file and, for a new file, on the
  directory). If the write fails the file is truncated back to the last whole record.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import os
import re
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.clock import utc_now
from archive.wirerecord import chunked_length

logger = logging.getLogger(__name__)

WARC_VERSION = "WARC/1.1"

# WARC header names
WARC_TYPE = "WARC-Type"
WARC_RECORD_ID = "WARC-Record-ID"
WARC_DATE = "WARC-Date"
WARC_TARGET_URI = "WARC-Target-URI"
WARC_IP_ADDRESS = "WARC-IP-Address"
WARC_CONCURRENT_TO = "WARC-Concurrent-To"
WARC_REFERS_TO = "WARC-Refers-To"
WARC_REFERS_TO_TARGET_URI = "WARC-Refers-To-Target-URI"
WARC_REFERS_TO_DATE = "WARC-Refers-To-Date"
WARC_PROFILE = "WARC-Profile"
WARC_PAYLOAD_DIGEST = "WARC-Payload-Digest"
WARC_BLOCK_DIGEST = "WARC-Block-Digest"
WARC_FILENAME = "WARC-Filename"
CONTENT_TYPE = "Content-Type"
CONTENT_LENGTH = "Content-Length"

# HTTP header names
HTTP_TRANSFER_ENCODING = "Transfer-Encoding"
HTTP_ORIG_TRANSFER_ENCODING = "X-Archive-Orig-Transfer-Encoding"

# WARC record types and content types
WARCINFO = "warcinfo"
RESPONSE = "response"
REQUEST = "request"
REVISIT = "revisit"
METADATA = "metadata"
RESOURCE = "resource"
WARC_FIELDS_TYPE = "application/warc-fields"
HTTP_RESPONSE_TYPE = "application/http; msgtype=response"
HTTP_REQUEST_TYPE = "application/http; msgtype=request"

DEFAULT_PREFIX = "gongkai"
DEFAULT_MAX_SIZE = 1_000_000_000
WARC_SUFFIX = ".warc.gz"
WARCINFO_DEFAULTS: Mapping[str, str] = {
    "format": "WARC File Format 1.1",
    "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
}

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_-]+")
_NEWLINES = re.compile(r"[\r\n]+")


class RevisitProfile(StrEnum):
    IDENTICAL_PAYLOAD_DIGEST = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
    SERVER_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"


@dataclass(frozen=True, slots=True)
class RecordRef:
    filename: str  # name inside DATA_DIR/warc/
    offset: int  # byte offset of the record's gzip member
    length: int  # bytes of the gzip member
    record_id: str  # "<urn:uuid:...>"
    payload_digest: str | None  # "sha1:BASE32"
    block_digest: str | None


class WarcWriteError(Exception):
    """A record could not be written (bad input or an I/O failure); names the file."""


def new_record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def warc_date(value: datetime) -> str:
    """WARC/1.1 date with microseconds, in UTC; a naive value is taken as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def sha1_digest(data: bytes) -> str:
    """``sha1:BASE32`` as used in WARC digest fields."""
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def sanitize_name_part(value: str) -> str:
    return _UNSAFE_NAME.sub("_", value).strip("_") or "_"


def request_target(url: str) -> str:
    """Path and query of ``url`` as sent in the request line (fragment dropped)."""
    without_fragment = url.split("#", 1)[0]
    parts = urlsplit(without_fragment)
    target = parts.path or "/"
    if "?" in without_fragment:
        target += "?" + parts.query
    return target


def http_version(protocol: str) -> str:
    value = (protocol or "").strip()
    if not value:
        return "HTTP/1.1"
    if value.lower() in ("h2", "http/2", "http/2.0"):
        return "HTTP/2"
    if value.upper().startswith("HTTP/"):
        return "HTTP/" + value[5:]
    return value


def is_complete_chunked(body: bytes) -> bool:
    """True when ``body`` is a whole chunked-encoded stream (ends with the zero chunk)."""
    return chunked_length(body) == len(body)


def stored_response_headers(headers: Sequence[tuple[str, str]], body: bytes) -> list[tuple[str, str]]:
    """The response headers as archived: ``Transfer-Encoding: chunked`` renamed when de-chunked."""
    chunked = any(
        name.strip().lower() == HTTP_TRANSFER_ENCODING.lower() and "chunked" in value.lower()
        for name, value in headers
    )
    if not chunked or is_complete_chunked(body):
        return list(headers)
    return [
        (HTTP_ORIG_TRANSFER_ENCODING if name.strip().lower() == HTTP_TRANSFER_ENCODING.lower() else name, value)
        for name, value in headers
    ]


def _encode_line(line: str) -> bytes:
    try:
        return line.encode("latin-1")
    except UnicodeEncodeError:
        return line.encode("utf-8")


def check_line(value: str, what: str) -> str:
    """Refuse CR/LF inside a header line: it would end the header block early and break the record."""
    if "\r" in value or "\n" in value:
        raise ValueError(f"{what} contains a line break: {value!r}")
    return value


def header_block(first_line: str, headers: Sequence[tuple[str, str]]) -> bytes:
    lines = [check_line(first_line, "HTTP start line")]
    lines += [check_line(f"{name}: {value}", "HTTP header") for name, value in headers]
    return b"".join(_encode_line(line) + b"\r\n" for line in lines) + b"\r\n"


class _VerbatimHeaders(StatusAndHeaders):
    """HTTP headers whose serialised block is fixed in advance; warcio must not rebuild it."""

    def __init__(self, statusline: str, headers: Sequence[tuple[str, str]], protocol: str, block: bytes):
        super().__init__(statusline, list(headers), protocol=protocol)
        self._block = block
        self.headers_buff = block

    def compute_headers_buffer(self, header_filter=None) -> None:  # noqa: ARG002 - warcio's signature
        self.headers_buff = self._block


def _warc_fields(fields: Mapping[str, str]) -> bytes:
    lines = []
    for name, value in fields.items():
        if value is None or value == "":
            continue
        lines.append(f"{name}: {_NEWLINES.sub(' ', str(value))}\r\n")
    return "".join(lines).encode("utf-8")


@dataclass(frozen=True, slots=True)
class _Built:
    data: bytes  # one gzip member
    record_id: str
    payload_digest: str | None
    block_digest: str | None


class _RecordBuilder(WARCWriter):
    """warcio's writer, minus the ``WARC-Payload-Digest`` of a request without a body: the digest
    of zero bytes is the same constant on every GET, says nothing the ``WARC-Block-Digest`` does
    not, and costs about 40 gzipped bytes on every record of a nightly run."""

    def ensure_digest(self, record, block=True, payload=True):
        if record.rec_type == REQUEST and not record.payload_length:
            payload = False
        super().ensure_digest(record, block=block, payload=payload)


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
        self._warcio = _RecordBuilder(None, gzip=True, warc_version=WARC_VERSION)

    # ------------------------------------------------------------------ public API

    @property
    def filename(self) -> str | None:
        """Name of the file being written, or None before the first write / after close."""
        return self._filename

    def write_exchange(
        self,
        *,
        url: str,
        method: str,
        request_headers: list[tuple[str, str]],
        request_body: bytes,
        protocol: str,
        status: int,
        reason: str,
        response_headers: list[tuple[str, str]],
        body: bytes,
        ip_address: str | None,
        fetched_at: datetime,
    ) -> tuple[RecordRef, RecordRef]:
        """Write a ``response`` then its ``request`` record, whose ``WARC-Concurrent-To`` names the
        response; returns (response, request)."""
        version = http_version(protocol)
        date = warc_date(fetched_at)
        response_id = self.record_id()
        request_id = self.record_id()

        status_line = f"{status} {reason}".rstrip() if reason else str(status)
        resp_headers = stored_response_headers(response_headers, body)
        resp_block = header_block(f"{version} {status_line}", resp_headers)
        resp_fields = [(WARC_TARGET_URI, url), (WARC_DATE, date)]
        if ip_address:
            resp_fields.append((WARC_IP_ADDRESS, ip_address))
        response = self._build(
            RESPONSE,
            response_id,
            resp_fields,
            payload=body,
            http=_VerbatimHeaders(status_line, resp_headers, version, resp_block),
            content_type=HTTP_RESPONSE_TYPE,
        )

        request = self._build_request(
            url=url, method=method, headers=request_headers, body=request_body, version=version,
            date=date, record_id=request_id, concurrent_to=response_id,
        )
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
        built = self._build_revisit(record_id=revisit_id, **revisit)
        request = self._build_request(
            url=revisit["url"], method=method, headers=request_headers, body=request_body,
            version=http_version(revisit["protocol"]), date=warc_date(revisit["fetched_at"]),
            record_id=request_id, concurrent_to=revisit_id,
        )
        revisit_ref, request_ref = self._append([built, request])
        return revisit_ref, request_ref

    def _build_request(
        self, *, url, method, headers, body, version, date, record_id, concurrent_to
    ) -> _Built:
        target = request_target(url)
        block = header_block(f"{method} {target} {version}", headers)
        # no WARC-IP-Address: the response (or revisit) it names carries it
        fields = [(WARC_TARGET_URI, url), (WARC_DATE, date), (WARC_CONCURRENT_TO, concurrent_to)]
        return self._build(
            REQUEST,
            record_id,
            fields,
            payload=body,
            http=_VerbatimHeaders(f"{target} {version}", headers, method, block),
            content_type=HTTP_REQUEST_TYPE,
        )

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
        built = self._build_revisit(
            record_id=self.record_id(), url=url, profile=profile,
            refers_to=refers_to, refers_to_url=refers_to_url, refers_to_date=refers_to_date,
            payload_digest=payload_digest, protocol=protocol, status=status, reason=reason,
            response_headers=response_headers, ip_address=ip_address, fetched_at=fetched_at,
        )
        return self._append([built])[0]


    def _build_revisit(
        self, *, record_id, url, profile, refers_to, refers_to_url, refers_to_date,
        payload_digest, protocol, status, reason, response_headers, ip_address, fetched_at,
    ) -> _Built:
        profile = RevisitProfile(profile)
        if profile is RevisitProfile.IDENTICAL_PAYLOAD_DIGEST and not payload_digest:
            raise ValueError(f"revisit of {url}: profile {profile.value} needs payload_digest")
        version = http_version(protocol)
        status_line = f"{status} {reason}".rstrip() if reason else str(status)
        headers = list(response_headers)
        block = header_block(f"{version} {status_line}", headers)
        fields = [(WARC_TARGET_URI, url), (WARC_DATE, warc_date(fetched_at))]
        if ip_address:
            fields.append((WARC_IP_ADDRESS, ip_address))
        fields += [
            (WARC_PROFILE, profile.value),
            (WARC_REFERS_TO, refers_to),
            (WARC_REFERS_TO_TARGET_URI, refers_to_url),
            (WARC_REFERS_TO_DATE, warc_date(refers_to_date)),
        ]
        if payload_digest:
            fields.append((WARC_PAYLOAD_DIGEST, payload_digest))
        return self._build(
            REVISIT,
            record_id,
            fields,
            payload=b"",
            http=_VerbatimHeaders(status_line, headers, version, block),
            content_type=HTTP_RESPONSE_TYPE,
        )

    def write_metadata(self, *, url: str, refers_to: str, payload: bytes, content_type: str) -> RecordRef:
        """A ``metadata`` record about the record ``refers_to`` (e.g. cleaning findings)."""
        fields = [(WARC_TARGET_URI, url), (WARC_DATE, warc_date(self.clock())), (WARC_REFERS_TO, refers_to)]
        built = self._build(METADATA, self.record_id(), fields, payload=payload, content_type=content_type)
        return self._append([built])[0]

    def write_resource(self, *, url: str, payload: bytes, content_type: str) -> RecordRef:
        """A ``resource`` record: content obtained without an HTTP exchange."""
        fields = [(WARC_TARGET_URI, url), (WARC_DATE, warc_date(self.clock()))]
        built = self._build(RESOURCE, self.record_id(), fields, payload=payload, content_type=content_type)
        return self._append([built])[0]

    def append_prepared(self, records: Sequence) -> list[RecordRef]:
        """Append records built elsewhere as whole gzip members (``archive.wirerecord``: the bytes
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

    # ------------------------------------------------------------------ building

    def _build(
        self,
        record_type: str,
        record_id: str,
        fields: list[tuple[str, str]],
        *,
        payload: bytes,
        content_type: str,
        http: StatusAndHeaders | None = None,
    ) -> _Built:
        for name, value in fields:
            check_line(value, f"{name} of a {record_type} record")
        warc_headers = StatusAndHeaders(
            "", [(WARC_TYPE, record_type), (WARC_RECORD_ID, check_line(record_id, WARC_RECORD_ID)), *fields],
            protocol=WARC_VERSION,
        )
        record = self._warcio.create_warc_record(
            "",
            record_type,
            payload=io.BytesIO(payload),
            length=len(payload),
            warc_content_type=content_type,
            warc_headers=warc_headers,
            http_headers=http,
        )
        buffer = io.BytesIO()
        self._warcio.out = buffer
        try:
            self._warcio.write_record(record)
        finally:
            self._warcio.out = None
        return _Built(
            data=buffer.getvalue(),
            record_id=record_id,
            payload_digest=warc_headers.get_header(WARC_PAYLOAD_DIGEST),
            block_digest=warc_headers.get_header(WARC_BLOCK_DIGEST),
        )

    def _build_warcinfo(self, filename: str) -> _Built:
        fields = [(WARC_DATE, warc_date(self.clock())), (WARC_FILENAME, filename)]
        return self._build(
            WARCINFO, self.record_id(), fields, payload=_warc_fields(self.warcinfo), content_type=WARC_FIELDS_TYPE
        )

    # ------------------------------------------------------------------ files

    def _append(self, records: list[_Built]) -> list[RecordRef]:
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
        info = self._build_warcinfo(name)
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
