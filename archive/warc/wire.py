"""WARC records of an HTTP exchange as it crossed the wire: the bytes sent and the bytes received.

``crawler.wire`` tees a connection's transport and hands over two byte strings per exchange
(:class:`WireExchange`): what was written to the socket for the request, and what came back for
the response (status line, header block and body, before any parsing). This module turns them
into WARC/1.1 records without rebuilding anything: the record block *is* those bytes.
``archive.warc.records`` builds the records of an exchange rebuilt from parsed parts instead
(another download handler); both end as ``BuiltRecord`` gzip members for the writer
(``WarcWriter.append_prepared``).

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
* **The end of the message** is found by ``archive.warc.message.message_length``; bytes after it
  (a misbehaving server) are not part of the record.

Pure functions over bytes; no Scrapy (the records are checked with warcio in tests).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from archive.warc import records as rec
from archive.warc.message import HttpHead, chunked_length, dechunk, is_chunked_coding, parse_head
from archive.warc.records import BuiltRecord, check_line, header_value, sha1_digest, warc_date

#: zlib level of each record's gzip member (``GONGKAI_WARC_GZIP_LEVEL``).
DEFAULT_GZIP_LEVEL = 6


@dataclass(frozen=True, slots=True)
class WireExchange:
    """One request and its response, as bytes on the wire."""

    request: bytes  # request line, header block and body as written to the socket
    response: bytes  # status line, header block and body as read from it (trimmed to the message)
    complete: bool = True  # False when the connection ended before the message did


@dataclass(frozen=True, slots=True)
class Revisit:
    """What a revisit record says instead of the payload: which record holds it, and why."""

    profile: str  # a records.RevisitProfile value
    refers_to: str
    refers_to_url: str
    refers_to_date: datetime
    payload_digest: str | None


def payload_digests(head: HttpHead, response: bytes, body: bytes) -> tuple[str, str | None]:
    """(digest of the entity body, for the capture row and the identical-payload check; the
    record's ``WARC-Payload-Digest``). ``body`` is the entity body as the client parsed it (Scrapy
    de-chunks); a chunked record has no payload digest (see above)."""
    if head.chunked:
        return sha1_digest(body), None
    digest = sha1_digest(memoryview(response)[head.length :])
    return digest, digest


def exchange_records(
    wire: WireExchange,
    head: HttpHead,
    *,
    url: str,
    fetched_at: datetime,
    ip_address: str | None,
    ids: tuple[str, str],
    payload_digest: str | None,
    revisit: Revisit | None = None,
    level: int = DEFAULT_GZIP_LEVEL,
) -> tuple[BuiltRecord, BuiltRecord]:
    """The ``response`` record (or, with ``revisit``, the ``revisit`` record of the response's
    head) and the ``request`` that got it, naming it in ``WARC-Concurrent-To``. ``head`` is
    ``parse_head(wire.response)``; ``ids`` the two record ids, in that order."""
    first_id, request_id = ids
    date = warc_date(fetched_at)
    if revisit is None:
        first = response_record(record_id=first_id, url=url, date=date, response=wire.response,
                                ip_address=ip_address, payload_digest=payload_digest, level=level)
    else:
        first = revisit_record(record_id=first_id, url=url, date=date, head=wire.response[: head.length],
                               ip_address=ip_address, revisit=revisit, level=level)
    request = request_record(record_id=request_id, url=url, date=date, request=wire.request,
                             concurrent_to=first_id, level=level)
    return first, request


def response_record(
    *, record_id: str, url: str, date: str, response: bytes, ip_address: str | None,
    payload_digest: str | None, level: int = DEFAULT_GZIP_LEVEL,
) -> BuiltRecord:
    """A ``response`` record whose block is ``response`` as received. ``payload_digest`` is the
    digest of the body after the head, or None to leave it out (chunked bodies)."""
    fields = _fields(rec.RESPONSE, record_id, date, url, ip_address)
    fields.append((rec.CONTENT_TYPE, rec.HTTP_RESPONSE_TYPE))
    return _built(fields, response, record_id, payload_digest, level)


def request_record(
    *, record_id: str, url: str, date: str, request: bytes, concurrent_to: str, level: int = DEFAULT_GZIP_LEVEL
) -> BuiltRecord:
    """A ``request`` record whose block is ``request`` as sent, naming its response (or revisit)
    in ``WARC-Concurrent-To``. A request without a body has no payload digest (as in
    ``archive.warc.records``)."""
    fields = _fields(rec.REQUEST, record_id, date, url)
    fields += [(rec.WARC_CONCURRENT_TO, concurrent_to), (rec.CONTENT_TYPE, rec.HTTP_REQUEST_TYPE)]
    head_length = parse_head(request).length
    payload_digest = sha1_digest(memoryview(request)[head_length:]) if len(request) > head_length else None
    return _built(fields, request, record_id, payload_digest, level)


def revisit_record(
    *, record_id: str, url: str, date: str, head: bytes, ip_address: str | None, revisit: Revisit,
    level: int = DEFAULT_GZIP_LEVEL,
) -> BuiltRecord:
    """A ``revisit`` record: the response's status line and header block as received, no body."""
    fields = _fields(rec.REVISIT, record_id, date, url, ip_address)
    fields += [
        (rec.CONTENT_TYPE, rec.HTTP_RESPONSE_TYPE),
        (rec.WARC_PROFILE, revisit.profile),
        (rec.WARC_REFERS_TO, revisit.refers_to),
        (rec.WARC_REFERS_TO_TARGET_URI, revisit.refers_to_url),
        (rec.WARC_REFERS_TO_DATE, warc_date(revisit.refers_to_date)),
    ]
    return _built(fields, head, record_id, revisit.payload_digest, level)


def stored_entity(headers: Iterable[tuple[str, str]], payload: bytes) -> bytes:
    """The entity body of an archived response: ``payload`` (the bytes after the stored header
    block) with a chunked transfer-coding removed. ``headers`` as (name, value) strings."""
    coding = header_value(headers, "transfer-encoding")
    if coding is not None and is_chunked_coding(coding) and chunked_length(payload) is not None:
        return dechunk(payload)
    return payload


# ---------------------------------------------------------------------- gzip members


def _fields(record_type: str, record_id: str, date: str, url: str, ip_address: str | None = None) -> list:
    fields = [(rec.WARC_TYPE, record_type), (rec.WARC_RECORD_ID, record_id), (rec.WARC_DATE, date),
              (rec.WARC_TARGET_URI, url)]
    if ip_address:
        fields.append((rec.WARC_IP_ADDRESS, ip_address))
    return fields


def _built(fields: list, block: bytes, record_id: str, payload_digest: str | None, level: int) -> BuiltRecord:
    if payload_digest:
        fields.append((rec.WARC_PAYLOAD_DIGEST, payload_digest))
    block_digest = sha1_digest(block)
    fields.append((rec.WARC_BLOCK_DIGEST, block_digest))
    return BuiltRecord(_member(fields, block, level=level), record_id, payload_digest, block_digest)


def _member(fields: Sequence[tuple[str, str]], block: bytes, *, level: int) -> bytes:
    """One gzip member: the WARC header, then the block, compressed as they are (no joined copy)."""
    header = [rec.WARC_VERSION.encode("ascii") + b"\r\n"]
    for name, value in fields:
        header.append(f"{name}: {check_line(value, name)}\r\n".encode("utf-8"))
    header.append(f"{rec.CONTENT_LENGTH}: {len(block)}\r\n\r\n".encode("ascii"))
    gz = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    return b"".join((gz.compress(b"".join(header)), gz.compress(block), gz.compress(b"\r\n\r\n"), gz.flush()))
