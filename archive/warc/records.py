"""WARC records built in memory, one gzip member each, WARC/1.1, through warcio.

``RecordBuilder`` turns one exchange (or revisit, metadata, resource, warcinfo) into finished
gzip members with their digests; ``archive.warc.writer`` decides where they go. Decisions (see
also ``docs/design.md``, contract ``archive.warc``):

* **Input checks.** A CR or LF inside a header name/value, URL or record id raises ``ValueError``
  before anything is written (it would end the header block early and corrupt the record).
* **Gzip.** warcio's ``GzippingWrapper`` (zlib, wbits 31) writes ``MTIME = 0`` in every member
  header, so the bytes depend only on the input and the zlib build. Tests compare the
  decompressed records with the golden file (a different zlib may deflate differently).
* **HTTP headers verbatim.** warcio would re-serialise HTTP headers and %-encode non-ASCII values;
  we hand it a pre-built header block instead (``_VerbatimHeaders``): every header in the given
  order, repeats kept, ``Content-Length`` as sent. Each header line is encoded as Latin-1 (so
  ``str`` obtained by decoding the wire bytes as Latin-1 round-trips to the same bytes) and as
  UTF-8 only when it holds characters beyond U+00FF.
* **Chunked.** (Records rebuilt from Scrapy's objects; an exchange captured at the wire keeps its
  chunks as received and is built by ``archive.warc.wire``, appended with ``append_prepared``.)
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
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.clock import as_utc
from archive.warc.message import chunked_length

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

WARCINFO_DEFAULTS: Mapping[str, str] = {
    "format": "WARC File Format 1.1",
    "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
}


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




def new_record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def warc_date(value: datetime) -> str:
    """WARC/1.1 date with microseconds, in UTC; a naive value is taken as UTC."""
    return as_utc(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def sha1_digest(data: bytes) -> str:
    """``sha1:BASE32`` as used in WARC digest fields."""
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")




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


def header_value(headers: Iterable[tuple[str, str]], name: str) -> str | None:
    """The first value of HTTP header ``name`` (any case) in a list of (name, value)."""
    name = name.lower()
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


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


def warc_fields(fields: Mapping[str, str]) -> bytes:
    lines = []
    for name, value in fields.items():
        if value is None or value == "":
            continue
        lines.append(f"{name}: {_NEWLINES.sub(' ', str(value))}\r\n")
    return "".join(lines).encode("utf-8")


@dataclass(frozen=True, slots=True)
class Exchange:
    """One HTTP exchange to archive: the request as sent and the response as received."""

    url: str
    method: str
    request_headers: Sequence[tuple[str, str]]
    request_body: bytes
    protocol: str
    status: int
    reason: str
    response_headers: Sequence[tuple[str, str]]
    body: bytes
    ip_address: str | None
    fetched_at: datetime


@dataclass(frozen=True, slots=True)
class BuiltRecord:
    data: bytes  # one gzip member
    record_id: str
    payload_digest: str | None
    block_digest: str | None


class _WarcioWriter(WARCWriter):
    """warcio's writer, minus the ``WARC-Payload-Digest`` of a request without a body: the digest
    of zero bytes is the same constant on every GET, says nothing the ``WARC-Block-Digest`` does
    not, and costs about 40 gzipped bytes on every record of a nightly run."""

    def ensure_digest(self, record, block=True, payload=True):
        if record.rec_type == REQUEST and not record.payload_length:
            payload = False
        super().ensure_digest(record, block=block, payload=payload)



class RecordBuilder:
    """Builds finished records (one gzip member each, digests computed) from their parts.

    ``record_id`` draws the id of every record; ``clock`` dates the records that carry no
    capture time of their own (metadata, resource, warcinfo).
    """

    def __init__(self, *, clock: Callable[[], datetime], record_id: Callable[[], str]):
        self.clock = clock
        self.record_id = record_id
        self._warcio = _WarcioWriter(None, gzip=True, warc_version=WARC_VERSION)

    def exchange(self, exchange: Exchange) -> tuple[BuiltRecord, BuiltRecord]:
        """A ``response`` and the ``request`` that got it (its ``WARC-Concurrent-To`` names the
        response)."""
        ex = exchange
        version = http_version(ex.protocol)
        date = warc_date(ex.fetched_at)
        response_id = self.record_id()
        request_id = self.record_id()

        status_line = f"{ex.status} {ex.reason}".rstrip() if ex.reason else str(ex.status)
        resp_headers = stored_response_headers(ex.response_headers, ex.body)
        resp_block = header_block(f"{version} {status_line}", resp_headers)
        resp_fields = [(WARC_TARGET_URI, ex.url), (WARC_DATE, date)]
        if ex.ip_address:
            resp_fields.append((WARC_IP_ADDRESS, ex.ip_address))
        response = self.build(
            RESPONSE,
            response_id,
            resp_fields,
            payload=ex.body,
            http=_VerbatimHeaders(status_line, resp_headers, version, resp_block),
            content_type=HTTP_RESPONSE_TYPE,
        )

        request = self.request(
            url=ex.url, method=ex.method, headers=ex.request_headers, body=ex.request_body, version=version,
            date=date, record_id=request_id, concurrent_to=response_id,
        )
        return response, request

    def request(
        self, *, url, method, headers, body, version, date, record_id, concurrent_to
    ) -> BuiltRecord:
        target = request_target(url)
        block = header_block(f"{method} {target} {version}", headers)
        # no WARC-IP-Address: the response (or revisit) it names carries it
        fields = [(WARC_TARGET_URI, url), (WARC_DATE, date), (WARC_CONCURRENT_TO, concurrent_to)]
        return self.build(
            REQUEST,
            record_id,
            fields,
            payload=body,
            http=_VerbatimHeaders(f"{target} {version}", headers, method, block),
            content_type=HTTP_REQUEST_TYPE,
        )

    def revisit(
        self, *, record_id, url, profile, refers_to, refers_to_url, refers_to_date,
        payload_digest, protocol, status, reason, response_headers, ip_address, fetched_at,
    ) -> BuiltRecord:
        """A ``revisit`` record: the new response's status line and headers, no body.

        ``identical-payload-digest`` needs the (shared) ``payload_digest``; for
        ``server-not-modified`` it is written when given.
        """
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
        return self.build(
            REVISIT,
            record_id,
            fields,
            payload=b"",
            http=_VerbatimHeaders(status_line, headers, version, block),
            content_type=HTTP_RESPONSE_TYPE,
        )

    def metadata(self, *, url: str, refers_to: str, payload: bytes, content_type: str) -> BuiltRecord:
        """A ``metadata`` record about the record ``refers_to`` (e.g. cleaning findings)."""
        fields = [(WARC_TARGET_URI, url), (WARC_DATE, warc_date(self.clock())), (WARC_REFERS_TO, refers_to)]
        return self.build(METADATA, self.record_id(), fields, payload=payload, content_type=content_type)

    def resource(self, *, url: str, payload: bytes, content_type: str) -> BuiltRecord:
        """A ``resource`` record: content obtained without an HTTP exchange."""
        fields = [(WARC_TARGET_URI, url), (WARC_DATE, warc_date(self.clock()))]
        return self.build(RESOURCE, self.record_id(), fields, payload=payload, content_type=content_type)

    def warcinfo(self, filename: str, info: Mapping[str, str]) -> BuiltRecord:
        fields = [(WARC_DATE, warc_date(self.clock())), (WARC_FILENAME, filename)]
        return self.build(WARCINFO, self.record_id(), fields, payload=warc_fields(info), content_type=WARC_FIELDS_TYPE)

    def build(
        self,
        record_type: str,
        record_id: str,
        fields: list[tuple[str, str]],
        *,
        payload: bytes,
        content_type: str,
        http: StatusAndHeaders | None = None,
    ) -> BuiltRecord:
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
        return BuiltRecord(
            data=buffer.getvalue(),
            record_id=record_id,
            payload_digest=warc_headers.get_header(WARC_PAYLOAD_DIGEST),
            block_digest=warc_headers.get_header(WARC_BLOCK_DIGEST),
        )
