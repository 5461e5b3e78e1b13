"""WARC records of an HTTP exchange as it crossed the wire: the bytes sent and the bytes received.

``crawler.wire`` tees a connection's transport and hands over two byte strings per exchange:
what was written to the socket for the request, and what came back for the response (status
line, header block and body, before any parsing). This module turns them into WARC/1.1 records
without rebuilding anything: the record block *is* those bytes.

* **One pass each.** The block digest is one SHA-1 over the block; the payload digest one SHA-1
  over the body (shared with the capture row, which is what the identical-payload check compares).
  Each record is compressed once, as one gzip member, from its header and its block, with no joined
  copy of the two.
* **Chunked transfer-coding** (``docs/capture.md``): the block keeps the chunk framing as received
  and the ``Transfer-Encoding`` header untouched, as Heritrix and warcprox record it. The WARC
  payload of such a response is the body with the transfer-coding removed (WARC 1.1, 6.3.2), but
  warcio 1.8's validator digests the bytes as stored: a ``WARC-Payload-Digest`` either way would
  fail one of the two readings, so a chunked response record carries only its
  ``WARC-Block-Digest`` (the payload digest is optional in WARC 1.1). The capture row keeps the
  digest of the de-chunked body, so identical-payload revisits work whatever the chunk sizes.
* **The end of the message.** The tee records what the connection delivered; bytes after the end
  of the response (a misbehaving server) are not part of it. :func:`message_length` finds the end
  the way an HTTP/1.1 client does (no body for HEAD, 1xx, 204, 304; chunked; Content-Length;
  otherwise until the connection closed).

Pure functions over bytes; no Scrapy, no warcio (the records are checked with warcio in tests).
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

WARC_VERSION = b"WARC/1.1"
HTTP_RESPONSE_TYPE = "application/http; msgtype=response"
HTTP_REQUEST_TYPE = "application/http; msgtype=request"
DEFAULT_GZIP_LEVEL = 6
_NO_BODY_STATUS = (204, 304)


class WireFormatError(ValueError):
    """The bytes are not an HTTP message (no status line or no end of the header block)."""


@dataclass(frozen=True, slots=True)
class WireExchange:
    """One request and its response, as bytes on the wire."""

    request: bytes  # request line, header block and body as written to the socket
    response: bytes  # status line, header block and body as read from it (trimmed to the message)
    complete: bool = True  # False when the connection ended before the message did


@dataclass(frozen=True, slots=True)
class HttpHead:
    """The parts of a header block this module needs; the bytes stay as they are."""

    first_line: bytes
    headers: tuple[tuple[bytes, bytes], ...]  # (name, value) as received, in order
    length: int  # bytes of the head including the blank line that ends it

    def get(self, name: bytes) -> bytes | None:
        name = name.lower()
        for key, value in self.headers:
            if key.strip().lower() == name:
                return value
        return None

    @property
    def status(self) -> int | None:
        parts = self.first_line.split(None, 2)
        if len(parts) >= 2 and parts[1].isdigit():
            return int(parts[1])
        return None

    @property
    def chunked(self) -> bool:
        value = self.get(b"transfer-encoding")
        if value is None:
            return False
        codings = [c.strip().lower() for c in value.split(b",") if c.strip()]
        return bool(codings) and codings[-1] == b"chunked"


@dataclass(frozen=True, slots=True)
class PreparedRecord:
    """One WARC record as a compressed gzip member, with what the capture row needs of it."""

    data: bytes
    record_id: str
    payload_digest: str | None
    block_digest: str | None


def sha1_b32(*parts: bytes) -> str:
    digest = hashlib.sha1()
    for part in parts:
        digest.update(part)
    return "sha1:" + base64.b32encode(digest.digest()).decode("ascii")


def parse_head(raw: bytes) -> HttpHead:
    """The status/request line and header lines of ``raw`` (CRLF or bare LF line ends, as Twisted
    accepts them; continuation lines folded onto the header before)."""
    headers: list[tuple[bytes, bytes]] = []
    pos = 0
    first: bytes | None = None
    while True:
        eol = raw.find(b"\n", pos)
        if eol < 0:
            raise WireFormatError("no end of the header block")
        line = raw[pos:eol].removesuffix(b"\r")
        pos = eol + 1
        if first is None:
            first = line
            continue
        if not line:
            return HttpHead(first_line=first, headers=tuple(headers), length=pos)
        if line[:1] in (b" ", b"\t") and headers:
            name, value = headers[-1]
            headers[-1] = (name, value + b" " + line.strip())
        elif b":" in line:
            name, value = line.split(b":", 1)
            headers.append((name, value.strip()))


def chunked_length(body: bytes, start: int = 0) -> int | None:
    """Bytes of ``body`` from ``start`` taken by a whole chunked stream (chunks, last chunk,
    trailers, blank line); None when it is cut short or not chunked."""
    pos = start
    while True:
        eol = body.find(b"\n", pos)
        if eol < 0:
            return None
        size_field = body[pos:eol].split(b";", 1)[0].strip()
        try:
            size = int(size_field, 16)
        except ValueError:
            return None
        pos = eol + 1
        if size == 0:
            while True:  # trailer lines, then the empty line
                eol = body.find(b"\n", pos)
                if eol < 0:
                    return None
                line = body[pos:eol].removesuffix(b"\r")
                pos = eol + 1
                if not line:
                    return pos - start
        end = pos + size
        if end > len(body):
            return None
        if body[end : end + 2] == b"\r\n":
            pos = end + 2
        elif body[end : end + 1] == b"\n":
            pos = end + 1
        else:
            return None


def dechunk(body: bytes) -> bytes:
    """The entity body of a chunked stream (what a reader gets with the transfer-coding removed);
    a stream cut short gives the chunks it holds."""
    out: list[bytes] = []
    pos = 0
    while True:
        eol = body.find(b"\n", pos)
        if eol < 0:
            break
        try:
            size = int(body[pos:eol].split(b";", 1)[0].strip(), 16)
        except ValueError:
            break
        pos = eol + 1
        if size == 0:
            break
        out.append(body[pos : pos + size])
        pos += size
        pos += 2 if body[pos : pos + 2] == b"\r\n" else 1
    return b"".join(out)


def message_length(raw: bytes, *, method: bytes = b"GET") -> tuple[int, bool]:
    """(bytes of ``raw`` that make the HTTP response, whether the message is whole)."""
    head = parse_head(raw)
    status = head.status
    if method.upper() == b"HEAD" or status is None or 100 <= status < 200 or status in _NO_BODY_STATUS:
        return head.length, True
    if head.chunked:
        size = chunked_length(raw, head.length)
        if size is None:
            return len(raw), False
        return head.length + size, True
    length = head.get(b"content-length")
    if length is not None:
        try:
            wanted = head.length + int(length.split(b",")[0].strip())
        except ValueError:
            return len(raw), True
        return min(wanted, len(raw)), len(raw) >= wanted
    return len(raw), True  # delimited by the end of the connection


def entity_body(head: HttpHead, body: bytes) -> bytes:
    """The body with any chunked transfer-coding removed (content-coding kept)."""
    return dechunk(body) if head.chunked else body


# ---------------------------------------------------------------------- records


def _check(value: str, what: str) -> str:
    if "\r" in value or "\n" in value:
        raise ValueError(f"{what} contains a line break: {value!r}")
    return value


def _member(fields: Sequence[tuple[str, str]], block: bytes, *, level: int) -> bytes:
    header = [WARC_VERSION + b"\r\n"]
    for name, value in fields:
        header.append(f"{name}: {_check(value, name)}\r\n".encode("utf-8"))
    header.append(b"Content-Length: %d\r\n\r\n" % len(block))
    gz = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    return b"".join((gz.compress(b"".join(header)), gz.compress(block), gz.compress(b"\r\n\r\n"), gz.flush()))


def _fields(record_type: str, record_id: str, date: str, url: str, ip_address: str | None = None) -> list:
    fields = [("WARC-Type", record_type), ("WARC-Record-ID", record_id), ("WARC-Date", date), ("WARC-Target-URI", url)]
    if ip_address:
        fields.append(("WARC-IP-Address", ip_address))
    return fields


def _prepared(fields: list, block: bytes, record_id: str, payload_digest: str | None, level: int) -> PreparedRecord:
    if payload_digest:
        fields.append(("WARC-Payload-Digest", payload_digest))
    block_digest = sha1_b32(block)
    fields.append(("WARC-Block-Digest", block_digest))
    return PreparedRecord(_member(fields, block, level=level), record_id, payload_digest, block_digest)


def response_record(
    *,
    record_id: str,
    url: str,
    date: str,
    response: bytes,
    ip_address: str | None,
    payload_digest: str | None,
    level: int = DEFAULT_GZIP_LEVEL,
) -> PreparedRecord:
    """A ``response`` record whose block is ``response`` as received. ``payload_digest`` is the
    digest of the body after the head, or None to leave it out (chunked bodies)."""
    fields = _fields("response", record_id, date, url, ip_address)
    fields.append(("Content-Type", HTTP_RESPONSE_TYPE))
    return _prepared(fields, response, record_id, payload_digest, level)


def request_record(
    *, record_id: str, url: str, date: str, request: bytes, concurrent_to: str, level: int = DEFAULT_GZIP_LEVEL
) -> PreparedRecord:
    """A ``request`` record whose block is ``request`` as sent, naming its response (or revisit)
    in ``WARC-Concurrent-To``. A request without a body has no payload digest (see archive.warc)."""
    fields = _fields("request", record_id, date, url)
    fields += [("WARC-Concurrent-To", concurrent_to), ("Content-Type", HTTP_REQUEST_TYPE)]
    head_length = parse_head(request).length
    payload_digest = sha1_b32(memoryview(request)[head_length:]) if len(request) > head_length else None
    return _prepared(fields, request, record_id, payload_digest, level)


def revisit_record(
    *,
    record_id: str,
    url: str,
    date: str,
    head: bytes,
    ip_address: str | None,
    profile: str,
    refers_to: str,
    refers_to_url: str,
    refers_to_date: str,
    payload_digest: str | None,
    level: int = DEFAULT_GZIP_LEVEL,
) -> PreparedRecord:
    """A ``revisit`` record: the response's status line and header block as received, no body."""
    fields = _fields("revisit", record_id, date, url, ip_address)
    fields += [("Content-Type", HTTP_RESPONSE_TYPE), ("WARC-Profile", profile), ("WARC-Refers-To", refers_to),
               ("WARC-Refers-To-Target-URI", refers_to_url), ("WARC-Refers-To-Date", refers_to_date)]
    return _prepared(fields, head, record_id, payload_digest, level)

def stored_entity(headers, payload: bytes) -> bytes:
    """The entity body of an archived response: ``payload`` (the bytes after the stored header
    block) with a chunked transfer-coding removed. ``headers`` as (name, value) strings."""
    for name, value in headers:
        if name.strip().lower() == "transfer-encoding":
            codings = [c.strip().lower() for c in value.split(",") if c.strip()]
            if codings and codings[-1] == "chunked" and chunked_length(payload) is not None:
                return dechunk(payload)
    return payload
