"""Compare two crawls of the same site: the exports and the WARC records must agree.

Usage::

    bench/compare_runs.py crawl DATA_DIR [--tree DIR] [--serial]   # the demo's replica, crawled
    bench/compare_runs.py compare BEFORE_DATA_DIR AFTER_DATA_DIR [--tree-before DIR] [--tree-after DIR]

``crawl`` builds the replica ``make demo`` builds (scale 1), serves it on loopback and crawls it
with the demo's fast settings, through the command line of the source tree ``--tree`` (a checkout
with its own ``.venv``; default this one). ``--serial`` crawls one request at a time, cleans in the
crawl's process and stores each page at once, so that two runs write the same records in the same
order. Without it (``make demo`` runs so), two runs of the same code differ: concurrency reorders
exchanges, a request's ``Referer`` names whichever page linked to it first, and the site context
a deferred page is cleaned with depends on what was stored by then. Each data dir is exported by
the tree that crawled it. ``compare`` counts the differences by kind, lists ``--show`` of them,
and exits 0 when there are none, 1 otherwise.

What may differ between two runs of one crawl, and is normalised away before comparing:

* the replica's loopback port (``127.0.0.1:<port>``) in every URL, ``Host`` header and payload;
* capture times (``captured_at``, ``WARC-Date``, ``WARC-Refers-To-Date``), record ids
  (``warc_record_id``, ``WARC-Record-ID``, ``WARC-Concurrent-To``, ``WARC-Refers-To``), WARC file
  names (``warc_filename``, ``WARC-Filename``) and offsets (``warc_offset``: a record's place
  depends on which exchange finished first);
* the HTTP ``Date`` response header's value, the ``warcinfo`` fields that name the run and the
  host (``isPartOf``, ``hostname``), and the directory of the site profile (``gongkai-site``).

Compared, with everything else byte for byte: every exported record (``gongkai export --format
jsonl``, run on each data dir); every WARC record's type, target URI, WARC headers, HTTP status
line, HTTP headers (names, order, values), payload digest (recomputed on the normalised payload
where the payload names the port) and block length. Order: the sequence of record types and
target URIs in each file must be the same; where the crawl's concurrency reordered exchanges,
the script says how many records sit elsewhere and compares each exchange with its counterpart.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

ROOT = Path(__file__).resolve().parent.parent
PORT = re.compile(rb"127\.0\.0\.1:\d+")
PORT_TEXT = re.compile(r"127\.0\.0\.1:\d+")
#: The site profile is named by its path, which depends on where the source tree is checked out.
PROFILE_PATH = re.compile(rb"(gongkai-site: )[^\r\n]*/")
#: Export fields that name a run, a record id, a file or a place in it.
RUN_FIELDS = ("captured_at", "warc_record_id", "warc_filename", "warc_offset")
#: WARC header fields whose values differ run to run (compared by presence only).
RUN_WARC_HEADERS = frozenset(h.lower() for h in (
    "WARC-Date", "WARC-Record-ID", "WARC-Concurrent-To", "WARC-Refers-To", "WARC-Refers-To-Date",
    "WARC-Filename", "WARC-Block-Digest", "WARC-Payload-Digest", "Content-Length",
))
RUN_HTTP_HEADERS = frozenset(("date",))
RUN_WARCINFO_FIELDS = (b"isPartOf", b"hostname", b"gongkai-start-urls")
#: The demo's crawl settings (crawler.runner.FAST_SETTINGS), and what makes a run repeatable.
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
        "-s", "RETRY_TIMES=1", "-s", "GONGKAI_RETRY_BACKOFF_BASE=0.2"]
SERIAL = ["-s", "CONCURRENT_REQUESTS=1", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "-s", "GONGKAI_PROCESS_WORKERS=0",
          "-s", "GONGKAI_STORE_BATCH=1"]


@dataclass(frozen=True, slots=True)
class Record:
    """One WARC record, normalised so that two runs of one crawl compare equal."""

    record_type: str
    target_uri: str
    warc_headers: tuple[tuple[str, str], ...]
    status_line: str
    http_headers: tuple[tuple[str, str], ...]
    payload_digest: str
    length: int

    @property
    def key(self) -> tuple[str, str]:
        return self.record_type, self.target_uri


def sha1(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def normalise_payload(record_type: str, payload: bytes) -> bytes:
    payload = PORT.sub(b"127.0.0.1:PORT", payload)
    if record_type == "warcinfo":
        payload = PROFILE_PATH.sub(rb"\1", payload)
        lines = [line for line in payload.split(b"\r\n") if not line.startswith(RUN_WARCINFO_FIELDS)]
        payload = b"\r\n".join(lines)
    return payload


def read_records(path: Path) -> list[Record]:
    records = []
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh):
            rec_type = record.rec_type
            warc_headers = tuple(
                (name, "*" if name.lower() in RUN_WARC_HEADERS else PORT_TEXT.sub("127.0.0.1:PORT", value))
                for name, value in record.rec_headers.headers
            )
            http = record.http_headers
            status_line = ""
            http_headers: tuple[tuple[str, str], ...] = ()
            if http is not None:
                status_line = PORT_TEXT.sub("127.0.0.1:PORT", f"{http.protocol} {http.statusline}")
                http_headers = tuple(
                    (name, "*" if name.lower() in RUN_HTTP_HEADERS else PORT_TEXT.sub("127.0.0.1:PORT", value))
                    for name, value in http.headers
                )
            payload = normalise_payload(rec_type, record.content_stream().read() if http is None
                                        else record.raw_stream.read())
            target = PORT_TEXT.sub("127.0.0.1:PORT", record.rec_headers.get_header("WARC-Target-URI") or "")
            records.append(Record(rec_type, target, warc_headers, status_line, http_headers, sha1(payload), len(payload)))
    return records


def warc_records(data_dir: Path) -> list[Record]:
    records = []
    for path in sorted((data_dir / "warc").glob("*.warc.gz")):
        records += read_records(path)
    return records


def export_records(data_dir: Path, tree: Path) -> list[dict]:
    """``gongkai export --format jsonl`` of ``data_dir``, run by the source tree ``tree``."""
    python = tree / ".venv" / "bin" / "python"
    command = [str(python if python.exists() else sys.executable), "-m", cli_module(tree), "export",
               "--data-dir", str(data_dir.resolve()), "--format", "jsonl"]
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=tree)
    rows = []
    for line in done.stdout.splitlines():
        row = json.loads(PORT_TEXT.sub("127.0.0.1:PORT", line))
        rows.append({k: ("*" if k in RUN_FIELDS else v) for k, v in row.items()})
    return rows


def compare_exports(before: list[dict], after: list[dict]) -> list[str]:
    problems = []
    if len(before) != len(after):
        problems.append(f"export: {len(before)} records before, {len(after)} after")
    by_url = {row["url"]: row for row in after}
    for row in before:
        other = by_url.get(row["url"])
        if other is None:
            problems.append(f"export: {row['url']} missing after")
        elif other != row:
            fields = sorted(k for k in set(row) | set(other) if row.get(k) != other.get(k))
            problems.append(f"export: {row['url']} differs in {', '.join(fields)}")
    if [r["url"] for r in before] != [r["url"] for r in after]:
        problems.append("export: records in another order")
    return problems


def compare_warcs(before: list[Record], after: list[Record]) -> tuple[list[str], int]:
    """Problems, and how many records stand at another place in the sequence."""
    problems = []
    if Counter(r.key for r in before) != Counter(r.key for r in after):
        missing = Counter(r.key for r in before) - Counter(r.key for r in after)
        extra = Counter(r.key for r in after) - Counter(r.key for r in before)
        problems.append(f"WARC: records only before: {list(missing)[:20]}; only after: {list(extra)[:20]}")
    moved = sum(a.key != b.key for a, b in zip(before, after))
    pending: dict[tuple[str, str], list[Record]] = {}
    for record in after:
        pending.setdefault(record.key, []).append(record)
    for record in before:
        candidates = pending.get(record.key) or []
        if not candidates:
            continue
        other = candidates.pop(0)
        if other != record:
            fields = [f for f in Record.__slots__ if getattr(record, f) != getattr(other, f)]
            detail = ""
            if fields == ["http_headers"]:
                names = sorted({n for n, _ in set(record.http_headers) ^ set(other.http_headers)})
                detail = f" ({', '.join(names)})"
            problems.append(f"WARC: {record.record_type} {record.target_uri} differs in {', '.join(fields)}{detail}")
    return problems, moved


def cli_module(tree: Path) -> str:
    return "gongkai" if (tree / "gongkai" / "__main__.py").is_file() else "crawler.cli"  # before issue 17


def crawl(data_dir: Path, tree: Path, *, serial: bool) -> None:
    """Build the demo's replica into ``data_dir/replica``, serve it and crawl it into ``data_dir``."""
    python = str(tree / ".venv" / "bin" / "python")
    module = cli_module(tree)
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=False)
    replica = data_dir / "replica"
    subprocess.run([python, "-m", module, "replica", "build", str(replica), "--scale", "1"], cwd=tree, check=True,
                   capture_output=True)
    server = subprocess.Popen([python, "-m", module, "replica", "serve", str(replica), "--port", "0"], cwd=tree,
                              stdout=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().split()[-1]
        settings = FAST + (SERIAL if serial else [])
        done = subprocess.run([python, "-m", module, "crawl", "--start-url", url, "--data-dir", str(data_dir),
                               *settings], cwd=tree, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"crawl failed: {done.stderr[-2000:]}")
    finally:
        server.terminate()
        server.wait(timeout=30)


def compare(args) -> int:
    exports = export_records(args.before, args.tree_before), export_records(args.after, args.tree_after)
    warcs = warc_records(args.before), warc_records(args.after)
    problems = compare_exports(*exports)
    warc_problems, moved = compare_warcs(*warcs)
    problems += warc_problems
    kinds = Counter(r.record_type for r in warcs[0])
    print(f"export records: {len(exports[0])} before, {len(exports[1])} after")
    print(f"WARC records: {len(warcs[0])} before, {len(warcs[1])} after "
          f"({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))})")
    print(f"WARC records at another place in the sequence: {moved}")
    findings = sum(len(r["spam_findings"]) for r in exports[0]), sum(len(r["spam_findings"]) for r in exports[1])
    print(f"spam findings: {findings[0]} before, {findings[1]} after")
    kinds = Counter(re.sub(r" http://\S+", "", problem) for problem in problems)
    for kind, count in sorted(kinds.items()):
        print(f"differences: {count:4} x {kind}")
    for problem in problems[: args.show]:
        print(f"DIFFERENT {problem}")
    print("same" if not problems else f"{len(problems)} difference(s)")
    return 0 if not problems else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("crawl", help="crawl the demo's replica into a new data dir")
    run.add_argument("data_dir", type=Path)
    run.add_argument("--tree", type=Path, default=ROOT, help="source tree whose command line crawls")
    run.add_argument("--serial", action="store_true", help="one request at a time: a repeatable record order")
    diff = commands.add_parser("compare", help="compare two data dirs")
    diff.add_argument("before", type=Path)
    diff.add_argument("after", type=Path)
    diff.add_argument("--tree-before", type=Path, default=ROOT, help="source tree that crawled BEFORE")
    diff.add_argument("--tree-after", type=Path, default=ROOT, help="source tree that crawled AFTER")
    diff.add_argument("--show", type=int, default=20, help="differences to print at most")
    args = parser.parse_args(argv)
    if args.command == "crawl":
        crawl(args.data_dir, args.tree, serial=args.serial)
        return 0
    return compare(args)


if __name__ == "__main__":
    sys.exit(main())
