"""Indexes and packages for replay tools: CDXJ per WARC file (cdxj-indexer) and WACZ (wacz).

``write_cdxj`` writes ``DATA_DIR/index/<warc name>.cdxj``, sorted, one line per response, revisit,
resource and metadata record, the format pywb and ReplayWeb.page read. ``write_wacz`` packages the
WARC files with a CDXJ index and a ``pages.jsonl`` listing the pages it is given (the latest
capture of every report page: ``archive.reports.export.replay_pages``).
Both packages are the optional extra ``research``; they are imported only when called.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from archive.warc.files import warc_dir, warc_files

logger = logging.getLogger(__name__)

INDEX_DIR = "index"
CDXJ_SUFFIX = ".cdxj"
PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "gongkai report pages"}
EXTRA_HINT = "install the optional extra: pip install 'gongkai[research]'"


class PackageError(Exception):
    """Indexing or packaging failed; names the file and what to do."""


@dataclass(frozen=True, slots=True)
class IndexResult:
    written: tuple[Path, ...]  # index files (re)written
    unchanged: tuple[Path, ...]  # index files newer than their WARC, left alone
    lines: int  # lines in the written files


def cdxj_lines(warc: Path) -> list[str]:
    """The sorted CDXJ lines of one WARC file."""
    try:
        from cdxj_indexer.main import CDXJIndexer
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise PackageError(f"cdxj-indexer is not installed; {EXTRA_HINT}") from exc
    out = io.StringIO()
    try:
        CDXJIndexer(out, [str(warc)], sort=True, post_append=True).process_all()
    except Exception as exc:  # the indexer raises whatever warcio raises
        raise PackageError(f"cannot index {warc}: {exc}; check it with `gongkai verify`") from exc
    return [line for line in out.getvalue().splitlines() if line]


def write_cdxj(data_dir: Path, *, force: bool = False) -> IndexResult:
    """CDXJ index of every WARC file into ``DATA_DIR/index/``; up-to-date indexes are kept."""
    index_dir = Path(data_dir) / INDEX_DIR
    index_dir.mkdir(parents=True, exist_ok=True)
    written, unchanged, count = [], [], 0
    for warc in warc_files(warc_dir(data_dir)):
        target = index_dir / (warc.name + CDXJ_SUFFIX)
        if not force and target.exists() and target.stat().st_mtime_ns >= warc.stat().st_mtime_ns:
            unchanged.append(target)
            continue
        lines = cdxj_lines(warc)
        _atomic_write(target, "".join(line + "\n" for line in lines))
        written.append(target)
        count += len(lines)
        logger.info("indexed %s: %d lines", warc.name, len(lines))
    return IndexResult(tuple(written), tuple(unchanged), count)


def write_wacz(data_dir: Path, output: Path, pages: Sequence[Mapping[str, str]], *,
               title: str = "gongkai archive") -> Path:
    """Package every WARC file of ``data_dir`` as the WACZ file ``output``, with ``pages`` (the
    report pages to list: ``url``, ``ts`` and ``title``, see ``archive.reports.export.replay_pages``)."""
    try:
        from wacz.main import main as wacz_main
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise PackageError(f"wacz is not installed; {EXTRA_HINT}") from exc
    warcs = warc_files(warc_dir(data_dir))
    if not warcs:
        raise PackageError(f"no WARC files in {warc_dir(data_dir)}; crawl something first")
    output = Path(output)
    with tempfile.TemporaryDirectory(prefix="gongkai-wacz-") as tmp:
        listing = Path(tmp) / "pages.jsonl"
        lines = [PAGES_HEADER, *pages]
        listing.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in lines), encoding="utf-8")
        code, log = _run(wacz_main, ["create", "-o", str(output), "--title", title,
                                     "--pages", str(listing), "--copy-pages", *map(str, warcs)])
    if code not in (0, None):
        raise PackageError(f"wacz could not package {data_dir}: {log.strip().splitlines()[-1:]}")
    return output


def validate_wacz(path: Path) -> tuple[bool, str]:
    """(valid, log) from the wacz package's own validator."""
    from wacz.main import main as wacz_main

    code, log = _run(wacz_main, ["validate", "-f", str(path)])
    return code == 0, log


def _run(entry, args: Sequence[str]) -> tuple[int | None, str]:
    """Run a console entry point that prints, keeping its output for the log."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = entry(list(args))
    for line in buffer.getvalue().splitlines():
        logger.info("wacz: %s", line)
    return code, buffer.getvalue()


def _atomic_write(target: Path, content: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(content)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
