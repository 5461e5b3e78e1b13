"""Bytes as archived -> text, the way the crawl decoded them: content-encoding first, then the
charset (HTTP header, then meta tag, then detection; gb2312/gbk are read as GB18030 by w3lib)."""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from w3lib.encoding import html_to_unicode, http_content_type_encoding

from archive.warc.records import header_value
from archive.warc.wire import stored_entity

#: Decompressed bodies larger than this are refused (a gzip bomb in the archive stays inert).
MAX_DECODED_BYTES = 64 * 1024 * 1024


class BodyDecodeError(ValueError):
    """An archived body could not be decompressed."""


def decompress(body: bytes, content_encoding: str | None, *, limit: int = MAX_DECODED_BYTES) -> bytes:
    codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
    for coding in reversed(codings):
        if coding in ("gzip", "x-gzip"):
            body = _inflate(body, 16 + zlib.MAX_WBITS, limit)
        elif coding == "deflate":
            try:
                body = _inflate(body, zlib.MAX_WBITS, limit)
            except BodyDecodeError:
                body = _inflate(body, -zlib.MAX_WBITS, limit)
        elif coding not in ("identity", ""):
            raise BodyDecodeError(f"unsupported content-encoding {coding!r}")
    return body


def decode_body(headers: Iterable[tuple[str, str]], body: bytes) -> tuple[str, str]:
    """(encoding, text) of an archived HTTP body."""
    headers = list(headers)
    # Records keep a chunked body's framing as it was received (docs/capture.md).
    raw = decompress(stored_entity(headers, body), header_value(headers, "content-encoding"))
    return html_text(header_value(headers, "content-type"), raw)


def html_text(content_type: str | None, body: bytes) -> tuple[str, str]:
    """(encoding, text) of an HTML body: the HTTP charset first, as browsers do, unless the bytes
    are not valid in it and the page's own declaration (meta, BOM) decodes them cleanly: a
    misconfigured server sends ``charset=utf-8`` for pages that say ``gb2312``."""
    encoding, text = html_to_unicode(content_type, body)
    declared = http_content_type_encoding(content_type)
    if declared and "\ufffd" in text:
        try:
            body.decode(declared)
        except (UnicodeDecodeError, LookupError):
            own_encoding, own_text = html_to_unicode(None, body)
            if "\ufffd" not in own_text:
                return own_encoding, own_text
    return encoding, text


def _inflate(data: bytes, wbits: int, limit: int) -> bytes:
    inflater = zlib.decompressobj(wbits)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise BodyDecodeError(f"cannot decompress body: {exc}") from exc
    if len(out) > limit:
        raise BodyDecodeError(f"body decompresses to more than {limit} bytes")
    return out


__all__ = ["BodyDecodeError", "decode_body", "decompress", "html_text"]
