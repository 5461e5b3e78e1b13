"""The replica on disk: rendered pages written to ``site/``, with ``manifest.json``,
``truth.jsonl`` and ``model.pickle``.

``write_site(out_dir, site, render=...)`` writes ``out_dir/site/`` (document root),
``out_dir/manifest.json`` (per served path: file, content type, whether the HTTP charset is sent,
Last-Modified, status, sha1), ``out_dir/truth.jsonl`` (one object per served page) and
``out_dir/model.pickle`` (the model, which :mod:`replica.mutate` edits and writes again).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

from replica.model import SHANGHAI, Site

MODEL_FILE = "model.pickle"
MANIFEST_FILE = "manifest.json"
TRUTH_FILE = "truth.jsonl"
SITE_DIR = "site"


@dataclass(frozen=True, slots=True)
class Page:
    path: str
    body: bytes
    content_type: str
    http_charset: bool
    last_modified: str
    truth: dict
    disposition: str | None = None


@dataclass(frozen=True, slots=True)
class BuildSummary:
    pages: int
    reports: int
    disallowed_reports: int
    listings: int
    news: int
    attachments: int
    spammed: int
    bytes: int


def last_modified(local: datetime) -> str:
    return format_datetime((local - SHANGHAI).replace(tzinfo=UTC), usegmt=True)


def _file_for(path: str) -> str:
    if "?" in path:
        return "_q/" + hashlib.sha1(path.encode()).hexdigest()[:20]
    if path == "/":
        return "index.htm"
    return path.lstrip("/")


def write_site(out_dir: Path, site: Site, *, render: Callable[[Site], list[Page]],
               clock: Callable[[], datetime] | None = None) -> BuildSummary:
    """Render ``site`` into ``out_dir``; unchanged files keep their bytes and Last-Modified.

    With an existing manifest (a rebuild), pages whose bytes changed get Last-Modified from
    ``clock`` (at least one second after their previous value); removed pages are deleted.
    ``render`` is the county's page renderer (``replica.generate.renderer``).
    """
    out_dir = Path(out_dir)
    root = out_dir / SITE_DIR
    old = _read_manifest(out_dir)
    pages = render(site)
    manifest: dict[str, dict] = {}
    total = 0
    for page in pages:
        body = page.body
        digest = hashlib.sha1(body).hexdigest()
        file = _file_for(page.path)
        previous = old.get(page.path)
        modified = page.last_modified
        if previous is not None:
            if previous["sha1"] == digest:
                modified = previous["last_modified"]
            else:
                modified = _after(previous["last_modified"], clock)
        target = root / file
        if previous is None or previous["sha1"] != digest or not target.exists():
            _atomic_write(target, body)
        manifest[page.path] = {
            "file": file,
            "content_type": page.content_type,
            "charset": page.http_charset,
            "last_modified": modified,
            "status": 200,
            "sha1": digest,
            **({"content_disposition": page.disposition} if page.disposition else {}),
        }
        if page.path != "/":
            total += len(body)
    kept = {entry["file"] for entry in manifest.values()}
    for entry in old.values():
        if entry["file"] not in kept:
            (root / entry["file"]).unlink(missing_ok=True)
    truth = "".join(json.dumps(page.truth, ensure_ascii=False, sort_keys=True) + "\n"
                    for page in sorted(pages, key=lambda p: p.path))
    _atomic_write(out_dir / TRUTH_FILE, truth.encode("utf-8"))
    _atomic_write(out_dir / MODEL_FILE, pickle.dumps(site))
    # the manifest last: a running server switches to the new site when it changes
    _write_manifest(out_dir, manifest)
    kinds = [p.truth["kind"] for p in pages if p.path != "/"]
    reports = [p.truth for p in pages if p.truth["kind"] == "article"]
    return BuildSummary(
        pages=len(kinds),
        reports=sum(not t["disallowed"] for t in reports),
        disallowed_reports=sum(t["disallowed"] for t in reports),
        listings=kinds.count("listing"),
        news=kinds.count("news"),
        attachments=kinds.count("attachment"),
        spammed=sum(bool(t["spam"]) for t in reports),
        bytes=total,
    )


def _atomic_write(target: Path, data: bytes) -> None:
    """Write via a temporary file and rename, so a concurrent reader never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, target)


def _after(previous: str, clock: Callable[[], datetime] | None) -> str:
    now = (clock or (lambda: datetime.now(UTC)))()
    floor = parsedate_to_datetime(previous) + timedelta(seconds=1)
    return format_datetime(max(now, floor).astimezone(UTC), usegmt=True)


def _write_manifest(out_dir: Path, manifest: dict[str, dict]) -> None:
    _atomic_write(out_dir / MANIFEST_FILE,
                  json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))


def _read_manifest(out_dir: Path) -> dict[str, dict]:
    path = out_dir / MANIFEST_FILE
    return json.loads(path.read_text()) if path.exists() else {}


def load_model(out_dir: Path) -> Site:
    with (Path(out_dir) / MODEL_FILE).open("rb") as fh:
        return pickle.load(fh)


def mislabel_gb_charsets(out_dir: Path) -> int:
    """Make the built replica's server say ``charset=utf-8`` for every GB18030 page (a common
    misconfiguration of county servers); returns how many paths changed. The bytes stay GB18030
    and still declare gb2312 in their meta tag. A rebuild (``write_site``) undoes it."""
    manifest = _read_manifest(Path(out_dir))
    changed = 0
    for entry in manifest.values():
        ctype = entry.get("content_type", "")
        if ctype.startswith("text/html") and ctype != "text/html; charset=utf-8":
            entry["content_type"] = "text/html; charset=utf-8"
            entry["charset"] = True
            changed += 1
    _write_manifest(Path(out_dir), manifest)
    return changed
