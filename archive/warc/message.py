"""HTTP/1.1 messages as bytes: the head, the chunked transfer-coding, where a response ends.

What a WARC record of an exchange captured at the wire needs to know of its bytes without
parsing them into anything else (``archive.warc.wire``): the header block as received (names in
their own case, repeats in their order), whether the body is chunked, the entity body under the
chunks, and where the message ends the way an HTTP/1.1 client finds it (no body for HEAD, 1xx,
204, 304; the chunked stream with its trailers; ``Content-Length``; otherwise the end of the
connection). Pure functions over bytes; ``archive.warc.records`` checks a rebuilt chunked body
with the same parser.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Statuses whose response never has a body (besides 1xx).
NO_BODY_STATUS = (204, 304)


class WireFormatError(ValueError):
    """The bytes are not an HTTP message (no status line or no end of the header block)."""


@dataclass(frozen=True, slots=True)
class HttpHead:
    """The parts of a header block these functions need; the bytes stay as they are."""

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
        return value is not None and is_chunked_coding(value)


def is_chunked_coding(value: bytes | str) -> bool:
    """Whether a ``Transfer-Encoding`` value ends with ``chunked`` (the coding applied last)."""
    if isinstance(value, str):
        value = value.encode("latin-1", "replace")
    codings = [c.strip().lower() for c in value.split(b",") if c.strip()]
    return bool(codings) and codings[-1] == b"chunked"


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
    if method.upper() == b"HEAD" or status is None or 100 <= status < 200 or status in NO_BODY_STATUS:
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
