"""A raw-socket HTTP/1.1 server for wire-capture tests: every response is a fixed byte string,
sent exactly as written here (reason phrases, header case and order, chunk framing), and every
request is kept exactly as read from the socket. Keep-alive, one thread per connection, port 0.
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
from dataclasses import dataclass, field

ARTICLE = "/info/1/1.htm"
CHUNKED = "/info/1/2.htm"
GZIPPED = "/info/1/3.htm"
CHUNKED_GZIP = "/info/1/4.htm"
ATTACHMENT = "/system/_content/download.jsp?urltype=news.DownloadAttachUrl&wbfileid=7"


def _page(title: str, *, prev: str | None = None, nxt: str | None = None, attachment: str | None = None) -> bytes:
    links = []
    if prev:
        links.append(f'<p>上一条：<a href="{prev.rsplit("/", 1)[-1]}">上一页</a></p>')
    if nxt:
        links.append(f'<p>下一条：<a href="{nxt.rsplit("/", 1)[-1]}">下一页</a></p>')
    if attachment:
        links.append(f'<p><a href="{attachment}">附件</a></p>')
    return (
        '<html><head><meta charset="utf-8"><title>{t}</title></head><body>'
        '<form name="_newscontent_fromname"><div id="vsb_content_2"><div class="v_news_content">'
        "<p>{t}2018年政府信息公开工作年度报告</p><p>主动公开信息606条。</p></div></div>{l}</form>"
        "</body></html>"
    ).format(t=title, l="".join(links)).encode("utf-8")


def _chunks(body: bytes, sizes: tuple[int, ...]) -> bytes:
    out, pos = [], 0
    for size in sizes:
        piece = body[pos : pos + size]
        if not piece:
            break
        # a chunk extension on the first chunk: legal, and lost by any re-chunking
        ext = b";note=first" if pos == 0 else b""
        out.append(b"%x%s\r\n%s\r\n" % (len(piece), ext, piece))
        pos += size
    if pos < len(body):
        out.append(b"%x\r\n%s\r\n" % (len(body) - pos, body[pos:]))
    out.append(b"0\r\n\r\n")
    return b"".join(out)


def _responses() -> dict[str, bytes]:
    article = _page("向家镇", prev=CHUNKED, nxt=GZIPPED, attachment=ATTACHMENT)
    chunked_page = _page("石咀乡", nxt=CHUNKED_GZIP)
    gzipped_page = gzip.compress(_page("文林街道"), mtime=0)
    chunked_gzip_page = gzip.compress(_page("富加镇"), mtime=0)
    attachment = b"%PDF-1.4\n" + bytes(range(256)) * 8
    robots = b"User-agent: *\nDisallow: /nbgl/\n"
    return {
        "/robots.txt": (
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s" % (len(robots), robots)
        ),
        ARTICLE: (
            b"HTTP/1.1 200 Okay Then\r\n"
            b"content-type: text/html; charset=utf-8\r\n"
            b"Set-Cookie: JSESSIONID=abc; Path=/\r\n"
            b"X-Powered-BY: VSB-Test\r\n"
            b"Set-Cookie: lang=zh\r\n"
            b"eTaG: \"v1\"\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(article), article)
        ),
        CHUNKED: (
            b"HTTP/1.1 200 Fine\r\n"
            b"Content-Type: text/html;charset=UTF-8\r\n"
            b"Transfer-Encoding: chunked\r\n"
            b"x-lower: 1\r\n\r\n" + _chunks(chunked_page, (7, 300, 1))
        ),
        GZIPPED: (
            b"HTTP/1.1 200 OK\r\n"
            b"Content-Type: text/html; charset=utf-8\r\n"
            b"Content-Encoding: gzip\r\n"
            b"Vary: Accept-Encoding\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(gzipped_page), gzipped_page)
        ),
        CHUNKED_GZIP: (
            b"HTTP/1.1 200 OK\r\n"
            b"Content-Type: text/html; charset=utf-8\r\n"
            b"Content-Encoding: gzip\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n" + _chunks(chunked_gzip_page, (16, 64))
        ),
        ATTACHMENT: (
            b"HTTP/1.1 200 OK\r\n"
            b"Content-Type: application/pdf\r\n"
            b"Content-Disposition: attachment; filename=\"report.pdf\"\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n" + _chunks(attachment, (1000, 1000))
        ),
    }


@dataclass
class RawServer:
    host: str = "127.0.0.1"
    responses: dict[str, bytes] = field(default_factory=_responses)
    requests: list[tuple[str, bytes]] = field(default_factory=list)  # (target, raw request bytes)
    sent: dict[str, bytes] = field(default_factory=dict)
    log: list[tuple[float, str]] = field(default_factory=list)  # (monotonic time, target) per request

    def __post_init__(self) -> None:
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((self.host, 0))
        self._sock.listen(16)
        self.port = self._sock.getsockname()[1]
        self._lock = threading.Lock()
        self._stop = False
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> RawServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop = True
        self._sock.close()

    def _accept(self) -> None:
        while not self._stop:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        buffer = b""
        with conn:
            conn.settimeout(30)
            while True:
                while b"\r\n\r\n" not in buffer:
                    try:
                        data = conn.recv(65536)
                    except OSError:
                        return
                    if not data:
                        return
                    buffer += data
                end = buffer.index(b"\r\n\r\n") + 4
                raw, buffer = buffer[:end], buffer[end:]
                target = raw.split(b" ", 2)[1].decode("ascii")
                response = self.responses.get(target) or (
                    b"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\nnot found"
                )
                with self._lock:
                    self.requests.append((target, raw))
                    self.log.append((time.monotonic(), target))
                    self.sent[target] = response
                conn.sendall(response)
