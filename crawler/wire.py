"""Wire-exact capture: Scrapy's HTTP/1.1 download handler with a tee on each connection.

The capture middleware used to rebuild WARC records from Scrapy's objects, which have already
lost what a record must keep: the server's own reason phrase, header case and order, repeated
headers, the chunk framing, and the order in which Twisted wrote the request headers. This
handler records the bytes themselves, the way Heritrix, wget and warcprox do:

* **Request.** While Twisted's ``HTTP11ClientProtocol.request`` writes the request, the
  protocol's transport is a :class:`_Tee` that appends every ``write``/``writeSequence`` to the
  exchange's :class:`Tape` before passing it on (a body producer that writes later writes through
  the same tee). With TLS the tee sits above the TLS layer: it records the plain HTTP bytes.
* **Response.** ``dataReceived`` appends what the connection delivers to the current tape before
  Twisted's parser sees it. Bytes after the end of the message are cut off when the exchange is
  finished (:func:`archive.warc.message.message_length`).
* **Which Scrapy request a tape belongs to.** Twisted knows nothing of Scrapy's ``Request``. When
  the response head is parsed, the protocol's deferred fires and, in the same call stack, Scrapy's
  handler sends ``headers_received`` for the request; the protocol leaves its tape in the handler's
  :class:`_Slot` just before, and the handler's receiver takes it from there. The tape's request
  line is checked against the request's URL.
* **Handing it over.** When the download completes, ``request.meta[META_WIRE]`` holds a
  :class:`archive.warc.wire.WireExchange`; the capture middleware writes the records from it.
  A download that fails leaves nothing there. The tee keeps a second copy of a body only until
  the exchange is archived.

Enabled through ``DOWNLOAD_HANDLERS`` (``crawler.settings``); the host-gated handler of a distributed crawl
(``crawler.distributed.gate``) subclasses it, so a distributed crawl records the wire too.
"""

from __future__ import annotations

import logging
from functools import partial
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.core.downloader.handlers.http11 import (
    HTTP11DownloadHandler,
    _LenientHTTP11ClientFactory,
    _LenientHTTP11ClientProtocol,
)

from archive.warc.message import WireFormatError, message_length
from archive.warc.wire import WireExchange
from crawler.meta import META_WIRE

logger = logging.getLogger(__name__)

STAT_BOUND = "gongkai/wire/exchanges"
STAT_UNMATCHED = "gongkai/wire/unmatched"
STAT_UNPARSED = "gongkai/wire/unparsed"


class Tape:
    """The bytes of one exchange on one connection, appended as they pass."""

    __slots__ = ("sent", "received", "closed")

    def __init__(self) -> None:
        self.sent: list[bytes] = []
        self.received: list[bytes] = []
        self.closed = False

    def request_line(self) -> bytes:
        first = b"".join(self.sent[:2])
        return first.split(b"\r\n", 1)[0]

    def exchange(self) -> WireExchange:
        """Stop recording; the request and the response trimmed to the end of its message."""
        self.closed = True
        request = b"".join(self.sent)
        response = b"".join(self.received)
        method = request.split(b" ", 1)[0]
        length, complete = message_length(response, method=method)
        if length < len(response):
            response = response[:length]
        return WireExchange(request=request, response=response, complete=complete)


class _Tee:
    """A transport whose writes are also appended to a tape; everything else is the transport's."""

    __slots__ = ("_transport", "_tape")

    def __init__(self, transport, tape: Tape) -> None:
        self._transport = transport
        self._tape = tape

    def write(self, data: bytes) -> None:
        if not self._tape.closed:
            self._tape.sent.append(data if type(data) is bytes else bytes(data))
        self._transport.write(data)

    def writeSequence(self, data) -> None:  # noqa: N802 - Twisted's ITransport name
        data = list(data)
        if not self._tape.closed:
            self._tape.sent.extend(d if type(d) is bytes else bytes(d) for d in data)
        self._transport.writeSequence(data)

    def __getattr__(self, name: str):
        return getattr(self._transport, name)


class _Slot:
    """Where a protocol leaves the tape whose response head was just parsed, for the handler's
    ``headers_received`` receiver, in the same call stack."""

    __slots__ = ("tape",)

    def __init__(self) -> None:
        self.tape: Tape | None = None


class _WireProtocol(_LenientHTTP11ClientProtocol):
    def __init__(self, quiescentCallback, slot: _Slot):  # noqa: N803 - Twisted's argument name
        super().__init__(quiescentCallback)
        self._slot = slot
        self._tape: Tape | None = None

    def request(self, request):
        tape = Tape()
        self._tape = tape
        transport = self.transport
        self.transport = _Tee(transport, tape)
        try:
            d = super().request(request)
        finally:
            self.transport = transport
        d.addCallback(self._head_parsed, tape)
        return d

    def _head_parsed(self, response, tape: Tape):
        self._slot.tape = tape
        return response

    def dataReceived(self, data: bytes) -> None:  # noqa: N802 - Twisted's name
        tape = self._tape
        if tape is not None and not tape.closed:
            tape.received.append(data)
        super().dataReceived(data)


class _WireClientFactory(_LenientHTTP11ClientFactory):
    def __init__(self, quiescentCallback, metadata, *, slot: _Slot):  # noqa: N803
        super().__init__(quiescentCallback, metadata)
        self._slot = slot

    def buildProtocol(self, addr):  # noqa: N802 - Twisted's name
        return _WireProtocol(self._quiescentCallback, self._slot)


class WireDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler whose connections record the bytes of each exchange."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self._slot = _Slot()
        self._stats = crawler.stats
        # Scrapy sets its own protocol factory on its pool the same way.
        self._pool._factory = partial(_WireClientFactory, slot=self._slot)
        crawler.signals.connect(self._headers_received, signal=signals.headers_received)

    def _headers_received(self, headers, body_length, request, spider=None) -> None:
        tape, self._slot.tape = self._slot.tape, None
        if tape is None:
            return
        if not request_line_matches(tape.request_line(), request.url):
            self._stats.inc_value(STAT_UNMATCHED)
            logger.warning("wire capture: request line %r does not match %s", tape.request_line(), request.url)
            return
        request.meta[META_WIRE] = tape

    async def download_request(self, request, *args, **kwargs):
        request.meta.pop(META_WIRE, None)
        try:
            response = await super().download_request(request, *args, **kwargs)
        except BaseException:
            tape = request.meta.pop(META_WIRE, None)
            if isinstance(tape, Tape):
                tape.closed = True
            raise
        tape = request.meta.pop(META_WIRE, None)
        if isinstance(tape, Tape):
            try:
                request.meta[META_WIRE] = tape.exchange()
                self._stats.inc_value(STAT_BOUND)
            except WireFormatError as exc:
                self._stats.inc_value(STAT_UNPARSED)
                logger.warning("wire capture of %s unusable: %s", request.url, exc)
        return response


def request_line_matches(line: bytes, url: str) -> bool:
    """Whether a request line was written for ``url``: its target in origin form (path and
    query) or, through an HTTP proxy, in absolute form (the whole URL)."""
    parts = line.split(b" ")
    if len(parts) < 3:
        return False
    return parts[1] in (request_target(url), url.split("#", 1)[0].encode("ascii", "replace"))


def request_target(url: str) -> bytes:
    """The request-target Twisted writes for ``url``: path and query, fragment dropped."""
    parts = urlsplit(url.split("#", 1)[0])
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return target.encode("ascii", "replace")
