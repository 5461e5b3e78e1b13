"""A real threaded HTTP server for a built replica site.

Serves the paths of ``manifest.json`` (query string included, so ``download.jsp?...`` resolves)
with the recorded headers, a strong ETag (quoted sha1 of the bytes), Last-Modified, 304 on a
matching ``If-None-Match`` / ``If-Modified-Since``, gzip for HTML when the client accepts it,
HEAD, and an HTML 404. Files and the manifest are re-read when their mtime changes, so
mutations take effect without a restart. Every request is appended to ``access.log`` (JSON
lines) and kept in memory for :meth:`ReplicaServer.requests`.

Run: ``python -m replica.server DIR --port 0`` prints ``REPLICA http://127.0.0.1:PORT/``.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import logging
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

from replica import templates as T
from replica.access import AccessEntry

if TYPE_CHECKING:
    from replica.faults import FaultPlan

logger = logging.getLogger(__name__)

ACCESS_LOG = "access.log"
MANIFEST_FILE = "manifest.json"
SITE_DIR = "site"


@dataclass(frozen=True, slots=True)
class _Cached:
    stamp: tuple[int, int, int]   # (mtime_ns, inode, size): files are replaced atomically
    body: bytes
    etag: str
    gzipped: bytes | None


class _Store:
    """Manifest and file bytes, reloaded when their mtime changes."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self._lock = threading.Lock()
        self._manifest: dict[str, dict] = {}
        self._manifest_mtime: tuple[int, int, int] | None = None
        self._files: dict[str, _Cached] = {}

    def lookup(self, path: str) -> tuple[dict, _Cached] | None:
        with self._lock:
            manifest_path = self.out_dir / MANIFEST_FILE
            try:
                stat = manifest_path.stat()
            except FileNotFoundError:
                return None
            mtime = (stat.st_mtime_ns, stat.st_ino, stat.st_size)
            if mtime != self._manifest_mtime:
                self._manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
                self._manifest_mtime = mtime
            entry = self._manifest.get(path)
            if entry is None and "?" in path:   # static pages ignore a query string
                entry = self._manifest.get(path.partition("?")[0])
            if entry is None or entry.get("status", 200) != 200:
                return None
            file = self.out_dir / SITE_DIR / entry["file"]
            try:
                stat = file.stat()
            except FileNotFoundError:
                return None
            stamp = (stat.st_mtime_ns, stat.st_ino, stat.st_size)
            cached = self._files.get(entry["file"])
            if cached is None or cached.stamp != stamp:
                body = file.read_bytes()
                zipped = None
                if entry["content_type"].startswith("text/html"):
                    zipped = gzip.compress(body, compresslevel=6, mtime=0)
                cached = _Cached(stamp, body, '"' + hashlib.sha1(body).hexdigest() + '"', zipped)
                self._files[entry["file"]] = cached
            return entry, cached


def _resolve_out_dir(root: Path) -> Path:
    root = Path(root)
    if not (root / MANIFEST_FILE).exists() and (root.parent / MANIFEST_FILE).exists():
        return root.parent
    return root


class ReplicaServer:
    """``with ReplicaServer(out_dir) as server: fetch(server.url + "index.htm")``."""

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 0, *, delay: float = 0.0,
                 faults: FaultPlan | None = None) -> None:
        self.out_dir = _resolve_out_dir(root)
        #: Seconds each response waits before it is sent: a slow server (may be changed live).
        self.delay = delay
        #: Paths answered by the fault layer (replica/faults.py) instead of the manifest.
        self.faults = faults
        self._store = _Store(self.out_dir)
        self._log_lock = threading.Lock()
        self._entries: list[AccessEntry] = []
        self._log = (self.out_dir / ACCESS_LOG).open("a", encoding="utf-8")
        self._httpd = ThreadingHTTPServer((host, port), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self) -> "ReplicaServer":
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="replica-http", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def stop(self) -> None:
        if self.faults is not None:
            self.faults.close()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        with self._log_lock:
            self._log.close()

    def __enter__(self) -> "ReplicaServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def page(self, path: str) -> tuple[dict, bytes] | None:
        """The manifest entry and the bytes served at ``path`` (None when it is not a 200 page)."""
        found = self._store.lookup(path)
        return None if found is None else (found[0], found[1].body)

    def requests(self) -> list[AccessEntry]:
        with self._log_lock:
            return list(self._entries)

    def _record(self, entry: AccessEntry) -> None:
        with self._log_lock:
            self._entries.append(entry)
            if not self._log.closed:
                self._log.write(json.dumps(entry.as_dict(), ensure_ascii=False) + "\n")
                self._log.flush()


def _not_modified(headers, etag: str, last_modified: str) -> bool:
    inm = headers.get("If-None-Match")
    if inm is not None:
        tags = [tag.strip() for tag in inm.split(",")]
        return "*" in tags or etag in tags or f"W/{etag}" in tags
    ims = headers.get("If-Modified-Since")
    if ims:
        try:
            return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
    return False


def _accepts_gzip(headers) -> bool:
    for part in (headers.get("Accept-Encoding") or "").split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def _handler_for(server: ReplicaServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "VWebServer"
        sys_version = ""

        def do_GET(self) -> None:
            self._respond(head=False)

        def do_HEAD(self) -> None:
            self._respond(head=True)

        def log_message(self, format: str, *args) -> None:
            logger.debug("replica: " + format, *args)

        def _respond(self, *, head: bool) -> None:
            if server.delay > 0:
                time.sleep(server.delay)
            path = self.path.split("#", 1)[0]
            if "://" in path:   # absolute-form request line (proxy style)
                path = "/" + path.split("://", 1)[1].partition("/")[2]
            if server.faults is not None and server.faults.serve(self, path, server):
                return
            found = server._store.lookup(path)
            if found is None:
                body = T.document(title="404-仁寿县人民政府", charset="utf-8", body=T.not_found_body()).encode()
                self._send(404, body, [("Content-Type", "text/html; charset=utf-8")], head, path)
                return
            entry, cached = found
            headers = [("ETag", cached.etag), ("Last-Modified", entry["last_modified"])]
            if _not_modified(self.headers, cached.etag, entry["last_modified"]):
                self._send(304, b"", headers, True, path)
                return
            headers.append(("Content-Type", entry["content_type"]))
            if entry.get("content_disposition"):
                headers.append(("Content-Disposition", entry["content_disposition"]))
            body = cached.body
            if cached.gzipped is not None:
                headers.append(("Vary", "Accept-Encoding"))
                if _accepts_gzip(self.headers):
                    body = cached.gzipped
                    headers.append(("Content-Encoding", "gzip"))
            self._send(200, body, headers, head, path)

        def _send(self, status: int, body: bytes, headers: list[tuple[str, str]], head: bool, path: str) -> None:
            # logged before the response goes out, so a client that has read it finds the entry
            server._record(AccessEntry(
                time=datetime.now(UTC).isoformat(timespec="milliseconds"),
                method=self.command,
                path=path,
                status=status,
                bytes=0 if head or status == 304 else len(body),
                user_agent=self.headers.get("User-Agent"),
                if_none_match=self.headers.get("If-None-Match"),
                if_modified_since=self.headers.get("If-Modified-Since"),
            ))
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head and status != 304:
                self.wfile.write(body)

    return Handler


def serve_forever(out_dir: Path, *, host: str = "127.0.0.1", port: int = 0,
                  ready: Callable[[str], None] | None = None) -> None:
    """Serve ``out_dir`` until SIGTERM/SIGINT; ``ready(url)`` is called once listening."""
    server = ReplicaServer(out_dir, host, port)
    stop = threading.Event()

    def on_signal(signum, frame) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        server.start()
        if ready is not None:
            ready(server.url)
        stop.wait()
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m replica.server",
                                     description="Serve a built replica site.")
    parser.add_argument("directory", type=Path, help="output directory of build_site (holds manifest.json)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    if not (_resolve_out_dir(args.directory) / MANIFEST_FILE).exists():
        parser.error(f"{args.directory}: no {MANIFEST_FILE}; build the site first (replica.build_site)")

    def ready(url: str) -> None:
        print(f"REPLICA {url}", flush=True)

    serve_forever(args.directory, host=args.host, port=args.port, ready=ready)
    return 0


if __name__ == "__main__":
    sys.exit(main())
