"""Fault endpoints for the replica server: an unreliable, hostile county site on demand.

A :class:`FaultPlan` maps request paths (query string included when present) to a
:class:`FaultSpec`; the server hands every request whose path is in the plan to
:meth:`FaultPlan.serve` instead of its manifest. Two behaviours make the real spider reach the
faults by following links, as it would on a hacked site:

- ``INJECT`` serves an existing replica page (the report hub) with extra links appended, so the
  hub links to a fault column;
- ``LISTING`` serves that column as a VSB listing page whose rows link to every fault endpoint
  and to off-site tricks.

``standard_plan()`` builds the plan the reliability tests crawl; ``hostile_plan()`` a listing of
reports whose text and URLs carry injection strings. Nothing happens at import time.

    plan = standard_plan(offsite="http://127.0.0.2:8001")
    with ReplicaServer(replica_dir, faults=plan) as server: ...
"""

from __future__ import annotations

import socket
import struct
import threading
import zlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from html import escape

from replica.access import AccessEntry

HTML_UTF8 = "text/html; charset=utf-8"
FAULT_COLUMN = 9001
HUB_PATH = "/zfxxgk/ndbg.htm"
LISTING_PATH = f"/faults/{FAULT_COLUMN}.htm"
#: Link text the spider's profile follows from the hub to a year's column.
LISTING_LINK_TEXT = "2030年政府信息公开工作年度报告（故障栏目）"
MEBIBYTE = 1024 * 1024


class Behaviour(StrEnum):
    PAGE = "page"                    # a well-formed report page (chains use it)
    ERROR_BURST = "error-burst"      # 503 for the first `count` requests, then the page
    ALWAYS_ERROR = "always-error"    # 500 every time
    RESET = "reset"                  # promises `size` bytes, sends a third, closes the socket
    SLOW = "slow"                    # the page after `seconds`
    HANG = "hang"                    # nothing for `seconds` (longer than DOWNLOAD_TIMEOUT)
    WRONG_CHARSET = "wrong-charset"  # GB18030 bytes that say gb2312; the header says utf-8
    REDIRECT = "redirect"            # 302 to `target`
    HUGE = "huge"                    # an HTML page of `size` bytes
    GZIP_BOMB = "gzip-bomb"          # a small gzip body that inflates to `size` bytes
    NOT_HTML = "not-html"            # PNG bytes at an .htm URL, typed image/png
    BINARY_AS_HTML = "binary-as-html"  # PNG-like bytes typed text/html
    MALFORMED = "malformed"          # unclosed tags, NUL bytes, broken nesting
    CONTROL_CHARS = "control-chars"  # a report with C0 control characters around injected script
    EMPTY = "empty"                  # 200 with an empty body
    NOT_FOUND = "not-found"          # 404 with an HTML body
    LISTING = "listing"              # a VSB listing whose rows are `links`
    INJECT = "inject"                # the replica's own page with `links` appended


@dataclass(frozen=True, slots=True)
class FaultSpec:
    behaviour: Behaviour
    title: str = ""
    count: int = 0
    seconds: float = 0.0
    size: int = 0
    target: str | None = None
    prev: str | None = None
    next: str | None = None
    links: tuple[tuple[str, str], ...] = ()   # (href, text)
    #: The page is a report that must end up archived with a version.
    good: bool = False


@dataclass
class FaultPlan:
    faults: Mapping[str, FaultSpec]
    hits: Counter = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _closing: threading.Event = field(default_factory=threading.Event)
    _cache: dict[str, bytes] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # big bodies are built before the crawl, not while a request waits
        for path, spec in self.faults.items():
            if spec.behaviour is Behaviour.HUGE:
                self._cache[path] = _huge(spec)
            elif spec.behaviour is Behaviour.GZIP_BOMB:
                self._cache[path] = _bomb(spec.size)

    def paths(self, *behaviours: Behaviour) -> list[str]:
        return [p for p, s in self.faults.items() if not behaviours or s.behaviour in behaviours]

    def good_paths(self) -> list[str]:
        return [p for p, s in self.faults.items() if s.good]

    def close(self) -> None:
        """Wake every hanging response (the server is stopping)."""
        self._closing.set()

    def serve(self, handler, path: str, server) -> bool:
        """Answer ``path`` when the plan has it; False lets the server answer as usual."""
        spec = self.faults.get(path)
        if spec is None:
            return False
        with self._lock:
            self.hits[path] += 1
            hit = self.hits[path]
        try:
            self._answer(handler, path, server, spec, hit)
        except (BrokenPipeError, ConnectionResetError):   # the client gave up (size limit, timeout)
            handler.close_connection = True
        return True

    def _answer(self, handler, path: str, server, spec: FaultSpec, hit: int) -> None:
        head = handler.command == "HEAD"
        b = spec.behaviour
        if b is Behaviour.ERROR_BURST and hit <= spec.count or b is Behaviour.ALWAYS_ERROR:
            status = 503 if b is Behaviour.ERROR_BURST else 500
            body = f"<html><body><h1>{status} 服务器忙</h1></body></html>".encode()
            handler._send(status, body, [("Content-Type", HTML_UTF8)], head, path)
        elif b is Behaviour.RESET:
            self._reset(handler, path, server, spec)
        elif b is Behaviour.HANG:
            self._closing.wait(spec.seconds)
            handler.close_connection = True
        elif b is Behaviour.REDIRECT:
            handler._send(302, b"", [("Location", spec.target or "/")], head, path)
        elif b is Behaviour.NOT_HTML:
            handler._send(200, _png(), [("Content-Type", "image/png")], head, path)
        elif b is Behaviour.BINARY_AS_HTML:
            handler._send(200, _png() * 50, [("Content-Type", "text/html")], head, path)
        elif b is Behaviour.EMPTY:
            handler._send(200, b"", [("Content-Type", HTML_UTF8)], head, path)
        elif b is Behaviour.NOT_FOUND:
            body = _article("404 页面不存在", "<p>您访问的页面不存在或已被删除。</p>").encode()
            handler._send(404, body, [("Content-Type", HTML_UTF8)], head, path)
        elif b is Behaviour.WRONG_CHARSET:
            body = _article(spec.title, _report_body(spec.title), charset="gb2312").encode("gb18030")
            handler._send(200, body, [("Content-Type", HTML_UTF8)], head, path)
        elif b is Behaviour.HUGE:
            handler._send(200, self._cache[path], [("Content-Type", HTML_UTF8)], head, path)
        elif b is Behaviour.GZIP_BOMB:
            body = self._cache[path]
            headers = [("Content-Type", HTML_UTF8), ("Content-Encoding", "gzip")]
            handler._send(200, body, headers, head, path)
        elif b is Behaviour.MALFORMED:
            handler._send(200, _malformed(spec.title), [("Content-Type", HTML_UTF8)], head, path)
        elif b is Behaviour.CONTROL_CHARS:
            body = _report_body(spec.title) + (
                "<p>年度工作概述\x17</p><script>document.write('<a href=http://bet.example/>')</script>"
                "\x0b其余内容\x1f如下。")
            handler._send(200, _article(spec.title, body).encode(), [("Content-Type", HTML_UTF8)], head, path)
        elif b is Behaviour.LISTING:
            handler._send(200, _listing(spec).encode(), [("Content-Type", HTML_UTF8)], head, path)
        elif b is Behaviour.INJECT:
            self._inject(handler, path, server, spec, head)
        else:   # PAGE, SLOW, and ERROR_BURST once the burst is over
            if b is Behaviour.SLOW:
                self._closing.wait(spec.seconds)
            extra = "".join(f'<p><a href="{escape(h)}">{escape(t)}</a></p>' for h, t in spec.links)
            body = _article(spec.title, _report_body(spec.title) + extra, prev=spec.prev, next=spec.next)
            handler._send(200, body.encode(), [("Content-Type", HTML_UTF8)], head, path)

    def _reset(self, handler, path: str, server, spec: FaultSpec) -> None:
        body = _article(spec.title, _report_body(spec.title)).encode()
        body = body + b" " * max(0, spec.size - len(body))
        sent = body[: len(body) // 3]
        server._record(AccessEntry(
            time=datetime.now(UTC).isoformat(timespec="milliseconds"), method=handler.command,
            path=path, status=200, bytes=len(sent), user_agent=handler.headers.get("User-Agent"),
            if_none_match=None, if_modified_since=None,
        ))
        handler.send_response(200)
        handler.send_header("Content-Type", HTML_UTF8)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(sent)
        handler.wfile.flush()
        handler.close_connection = True
        try:   # a hard close: the client sees the connection drop mid-body
            handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass

    def _inject(self, handler, path: str, server, spec: FaultSpec, head: bool) -> None:
        found = server.page(path)
        if found is None:
            handler._send(404, b"", [("Content-Type", HTML_UTF8)], head, path)
            return
        entry, body = found
        extra = "".join(f'<li><a href="{escape(h)}">{escape(t)}</a></li>' for h, t in spec.links)
        marker = b"</body>"
        at = body.rfind(marker)
        charset = "gb18030" if "gb" in entry["content_type"].lower() else "utf-8"
        insert = f'<ul class="fault-links">{extra}</ul>'.encode(charset)
        body = body[:at] + insert + body[at:] if at >= 0 else body + insert
        handler._send(200, body, [("Content-Type", entry["content_type"])], head, path)


def standard_plan(offsite: str, *, hang_seconds: float = 8.0, slow_seconds: float = 1.0,
                  huge_size: int = 20 * MEBIBYTE, bomb_size: int = 256 * MEBIBYTE,
                  burst: int = 2) -> FaultPlan:
    """Every fault at once: a hub that links to a fault column, whose rows reach each fault.

    ``offsite`` is the base URL of a second server (another host, e.g. 127.0.0.2) that must never
    be requested. ``burst`` 503s come before a good page: keep it below RETRY_TIMES + 1.
    """
    offsite = offsite.rstrip("/")
    port = offsite.rsplit(":", 1)[-1]
    col = FAULT_COLUMN

    def art(n: int) -> str:
        return f"/info/{col}/{n}.htm"

    def town(n: int) -> str:
        return f"仁寿县故障{n}镇2030年政府信息公开工作年度报告"

    faults: dict[str, FaultSpec] = {
        art(1): FaultSpec(Behaviour.ERROR_BURST, town(1), count=burst, good=True),
        art(2): FaultSpec(Behaviour.ALWAYS_ERROR, town(2)),
        art(3): FaultSpec(Behaviour.RESET, town(3), size=200_000),
        art(4): FaultSpec(Behaviour.SLOW, town(4), seconds=slow_seconds, good=True),
        art(5): FaultSpec(Behaviour.HANG, town(5), seconds=hang_seconds),
        art(6): FaultSpec(Behaviour.WRONG_CHARSET, town(6), good=True),
        art(7): FaultSpec(Behaviour.REDIRECT, target=art(8)),
        art(8): FaultSpec(Behaviour.REDIRECT, target=art(7)),
        art(9): FaultSpec(Behaviour.REDIRECT, target=f"{offsite}/info/9002/9.htm"),
        art(10): FaultSpec(Behaviour.PAGE, town(10), prev=art(11), next=art(11), good=True),
        art(11): FaultSpec(Behaviour.PAGE, town(11), prev=art(10), next=art(11), good=True),
        art(12): FaultSpec(Behaviour.HUGE, town(12), size=huge_size),
        art(13): FaultSpec(Behaviour.GZIP_BOMB, size=bomb_size),
        art(14): FaultSpec(Behaviour.NOT_HTML),
        art(15): FaultSpec(Behaviour.BINARY_AS_HTML),
        art(16): FaultSpec(Behaviour.MALFORMED, town(16), good=True),
        art(17): FaultSpec(Behaviour.EMPTY),
        art(18): FaultSpec(Behaviour.NOT_FOUND),
        # a chain whose 上一条 leaves the site
        art(19): FaultSpec(Behaviour.PAGE, town(19), prev=f"{offsite}/info/9002/19.htm",
                           next=f"//{offsite.split('//', 1)[1]}/info/9002/20.htm", good=True,
                           links=((f"{offsite}/system/_content/download.jsp?wbfileid=666", "附件1.xls"),)),
        art(20): FaultSpec(Behaviour.CONTROL_CHARS, town(20)),
    }
    rows = [(path, spec.title or f"故障页面{path}") for path, spec in faults.items()]
    tricks = [
        f"{offsite}/info/9002/1.htm",                              # another host
        f"//{offsite.split('//', 1)[1]}/info/9002/2.htm",          # protocol-relative
        f"http://2130706434:{port}/info/9002/3.htm",               # 127.0.0.2 as one integer
        f"http://[::1]:{port}/info/9002/4.htm",                    # IPv6 loopback
        f"http://0x7f.0.0.2:{port}/info/9002/5.htm",               # hex octet
        f"http://127.0.0.1:{port}@{offsite.split('//', 1)[1]}/info/9002/6.htm",  # userinfo
        f"javascript:location.href='{offsite}/info/9002/7.htm'",
        "mailto:webmaster@evil.example",
        "file:///etc/passwd",
        "/nbgl/info/4600/9999.htm",                                # disallowed by robots.txt
    ]
    rows += [(href, f"外链{i}") for i, href in enumerate(tricks)]
    faults[LISTING_PATH] = FaultSpec(Behaviour.LISTING, LISTING_LINK_TEXT, links=tuple(rows))
    faults[HUB_PATH] = FaultSpec(Behaviour.INJECT, links=(
        (LISTING_PATH, LISTING_LINK_TEXT),
        (f"{offsite}/faults/{col}.htm", "2031年政府信息公开工作年度报告"),
    ))
    return FaultPlan(faults)


#: Strings a hostile page or user throws at SQL, file names and terminals.
HOSTILE_STRINGS = (
    "'; DROP TABLE report_versions; --",
    '" OR 1=1 --',
    "%",
    "_",
    "\\",
    "a\x00b",
    "\u202e\u200f仁寿县\u202c镇",
    "../../../../etc/passwd",
    "<script>alert(1)</script>",
    "x" * 5000,
)
HOSTILE_COLUMN = 9100


def hostile_plan() -> FaultPlan:
    """A listing at ``/faults/9100.htm`` whose reports carry HOSTILE_STRINGS in their title, 来源
    and body, and one URL with a hostile query string. Start a crawl at that listing."""
    faults: dict[str, FaultSpec] = {}
    rows = []
    for n, value in enumerate(HOSTILE_STRINGS, start=1):
        path = f"/info/{HOSTILE_COLUMN}/{n}.htm"
        faults[path] = FaultSpec(Behaviour.PAGE, value, links=((f"#{value}", value),), good=True)
        rows.append((path, value))
    odd = f"/info/{HOSTILE_COLUMN}/99.htm?id=1%27%20OR%20%271%27=%271"
    faults[odd] = FaultSpec(Behaviour.PAGE, "仁寿县查询串镇2030年政府信息公开工作年度报告", good=True)
    rows.append((odd, "查询串"))
    listing = f"/faults/{HOSTILE_COLUMN}.htm"
    faults[listing] = FaultSpec(Behaviour.LISTING, "2030年度报告", links=tuple(rows))
    return FaultPlan(faults)


# page bodies
def _report_body(title: str) -> str:
    return (
        f"<p>{escape(title)}</p>"
        "<p>根据《中华人民共和国政府信息公开条例》要求，特向社会公布本年度报告。"
        "所列数据统计期限从2030年1月1日起至2030年12月31日止。</p>"
        "<p>主动公开政府信息45条，其中其他信息3条。</p>"
    )


def _article(title: str, body: str, *, charset: str = "utf-8", prev: str | None = None,
             next: str | None = None) -> str:
    chain = ""
    if prev:
        chain += f'<p>上一条：<a href="{escape(prev)}">上一篇报告</a></p>'
    if next:
        chain += f'<p>下一条：<a href="{escape(next)}">下一篇报告</a></p>'
    return (
        f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        f"<title>{escape(title)}-仁寿县人民政府</title></head><body>"
        '<form name="_newscontent_fromname"><h1>故障镇</h1>'
        "<div>2031年02月28日&nbsp;&nbsp;&nbsp;&nbsp;来源：</div>"
        f'<div id="vsb_content_2"><div class="v_news_content">{body}</div></div>{chain}'
        "</form></body></html>"
    )


def _listing(spec: FaultSpec) -> str:
    rows = "".join(
        f'<li id="line_u9_{i}"><a href="{escape(href)}" title="{escape(text)}">{escape(text)}</a>'
        f"<span>2031-02-28</span></li>"
        for i, (href, text) in enumerate(spec.links)
    )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>{escape(spec.title)}</title></head><body><ul>{rows}</ul></body></html>"
    )


def _malformed(title: str) -> bytes:
    return (
        "<html><head><title>" + title + "<body><form name=\"_newscontent_fromname\">"
        '<div id="vsb_content_9"><div class="v_news_content"><p>' + title + "<b><i>加粗</b>斜体</i>"
        "<table><tr><td>主动公开<td>45<tr><td>其他信息</table></p><div><span>未闭合"
        "<p>统计期限从2030年1月1日起至2030年12月31日止\x00NUL之后"
        "<script>document.write('<a href=x>'</script><!-- unterminated comment"
    ).encode("utf-8")


def _huge(spec: FaultSpec) -> bytes:
    head = _article(spec.title, _report_body(spec.title)).encode()
    filler = b"<p>" + "填充".encode() * 100 + b"</p>"
    repeats = max(0, (spec.size - len(head)) // len(filler) + 1)
    return head.replace(b"</body>", filler * repeats + b"</body>")


def _bomb(size: int) -> bytes:
    """A gzip member inflating to ``size`` spaces, built from one compressed MiB repeated (a full
    flush resets the compressor, so each MiB compresses to the same bytes)."""
    chunk = b" " * MEBIBYTE
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    count = max(1, size // MEBIBYTE)
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(chunk, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, (count * MEBIBYTE) & 0xFFFFFFFF)
    return header + block * count + packer.flush() + trailer


def _png() -> bytes:
    return (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
            b"\x1f\x15\xc4\x89\x00\x00\x00\x00IEND\xaeB`\x82")
