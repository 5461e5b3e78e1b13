"""Processing benchmark: gongkai's cleaning and extraction against trafilatura + htmldate.

Same pages for every contender: the report pages of a replica county (``--scale``; 20 = 3,000
reports), read from the WARC files of a crawl of it (``--warc``: files or directories, e.g. a
``gongkai crawl`` data dir's ``warcs/``, wget's or warcprox's) or, without ``--warc``, straight
from the replica's files with the headers its server sends. Either way each page is decoded as
the crawl decodes it (``pipelines.decode.decode_body``) and the decoded text goes to every
contender. Pages the replica's robots.txt disallows are left out (no crawl fetches them).

Contenders, each round a fresh process per contender (``bench/process_protocol.py``):

* ``gongkai``       the crawl's processing (``bench/process_gongkai.py site``): site texts, the
  site context, then clean + extract every page with it, as ``pipelines/siterun.py`` does;
* ``gongkai-page``  the same with no site context (each page alone);
* ``trafilatura``   trafilatura 2.3.1 + htmldate 1.11.0 (``bench/process_trafilatura.py``) in
  ``bench/.venvs/trafilatura`` (pinned in ``bench/requirements-trafilatura.txt``).

Speed: pages per CPU-second, the worker's own process CPU time (user + system) over the
processing only, median over ``--rounds``; the whole process's CPU (start-up and reading the
pages included) is shown beside it. What each gets right (``bench/process_score.py``, from the
first round; later rounds must give the same output): body text kept against the truth's clean
text (character recall and precision), injected spam left in the text, publication date right.

Run: ``.venv/bin/python bench/process_bench.py --scale 20 --rounds 3 [--warc DIR] [--json out.json]``
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from process_protocol import write_pages  # noqa: E402
from process_score import score  # noqa: E402

CONTENDERS = ("gongkai", "gongkai-page", "trafilatura")
BASE_URL = "http://127.0.0.1:8080"
_TITLE = re.compile(r"<title>\s*(.*?)\s*</title>", re.S | re.I)


def worker_command(contender: str, pages: Path) -> list[str]:
    if contender == "trafilatura":
        from peer_venvs import peer_venv

        return [str(peer_venv("trafilatura") / "bin" / "python"), str(BENCH / "process_trafilatura.py"), str(pages)]
    mode = "site" if contender == "gongkai" else "page"
    return [sys.executable, str(BENCH / "process_gongkai.py"), mode, str(pages)]


def report_truths(replica: Path) -> dict[str, dict]:
    """Truth rows of the report pages a crawl fetches (not disallowed), by path."""
    rows = (json.loads(line) for line in (replica / "truth.jsonl").read_text(encoding="utf-8").splitlines())
    return {r["path"]: r for r in rows if r["kind"] == "article" and not r["disallowed"]}


def column_names(replica: Path, manifest: dict) -> dict[str, str]:
    """Column id -> the <title> of its first listing page (what the crawl takes as the name)."""
    names = {}
    for line in (replica / "truth.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["kind"] == "listing" and row.get("page") == 1:
            html = (replica / "site" / manifest[row["path"]]["file"]).read_bytes().decode(row["encoding"])
            match = _TITLE.search(html)
            if match:
                names[row["column_id"]] = match.group(1)
    return names


def _page(truth: dict, url: str, headers, body: bytes, columns: dict[str, str]) -> dict:
    from pipelines.decode import decode_body

    encoding, html = decode_body(headers, body)
    return {"key": truth["path"], "url": url, "html": html, "encoding": encoding,
            "column_name": columns.get(truth["column_id"])}


def pages_from_files(replica: Path, truths: dict[str, dict]) -> list[dict]:
    """Each report page as the replica's server sends it (its Content-Type), decoded."""
    manifest = json.loads((replica / "manifest.json").read_text(encoding="utf-8"))
    columns = column_names(replica, manifest)
    pages = []
    for path in sorted(truths):
        entry = manifest[path]
        body = (replica / "site" / entry["file"]).read_bytes()
        pages.append(_page(truths[path], BASE_URL + path, [("Content-Type", entry["content_type"])], body, columns))
    return pages


def pages_from_warcs(replica: Path, truths: dict[str, dict], sources: list[Path]) -> list[dict]:
    """Each report page from the first 200 response record for its path in ``sources``."""
    from urllib.parse import urlsplit

    from archive.warc.reader import iter_records

    manifest = json.loads((replica / "manifest.json").read_text(encoding="utf-8"))
    columns = column_names(replica, manifest)
    files = []
    for source in sources:
        files += sorted(p for p in source.rglob("*.warc*") if p.is_file()) if source.is_dir() else [source]
    found: dict[str, dict] = {}
    for file in files:
        for _offset, _length, record in iter_records(file, with_payload=True):
            if record.record_type != "response" or record.status != 200 or not record.target_uri:
                continue
            path = urlsplit(record.target_uri).path
            if path in truths and path not in found:
                found[path] = _page(truths[path], record.target_uri, record.http_headers, record.payload or b"",
                                    columns)
    if not found:
        raise SystemExit(f"no report page of {replica} in {', '.join(map(str, sources))}")
    return [found[path] for path in sorted(found)]


def run_worker(contender: str, pages: Path) -> tuple[dict, float]:
    """One round of one contender: its JSON report and the whole process's CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(worker_command(contender, pages), capture_output=True, cwd=ROOT, stdin=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{contender} worker exited {proc.returncode}: {proc.stderr.decode()[-2000:]}")
    whole = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return json.loads(proc.stdout.decode("utf-8").strip().splitlines()[-1]), whole


def measure(replica: Path, *, rounds: int, contenders: tuple[str, ...] = CONTENDERS,
            warcs: list[Path] | None = None, problems: bool = False) -> list[dict]:
    """Run every contender ``rounds`` times on the replica's report pages; one row each."""
    truths = report_truths(replica)
    pages = pages_from_warcs(replica, truths, warcs) if warcs else pages_from_files(replica, truths)
    keys = [p["key"] for p in pages]
    print(f"{len(pages)} report pages ({'WARC' if warcs else 'replica files'}; "
          f"{len(truths) - len(pages)} of the replica's not found)", flush=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="gongkai-process-bench-") as tmp:
        pages_file = Path(tmp) / "pages.jsonl"
        write_pages(pages_file, pages)
        runs: dict[str, list[tuple[dict, float]]] = {c: [] for c in contenders}
        for round_no in range(1, rounds + 1):
            for contender in contenders:  # interleaved, so a drift in the machine's speed hits all
                out, whole = run_worker(contender, pages_file)
                runs[contender].append((out, whole))
                parts = ", ".join(f"{name} {spent:.2f}" for name, spent in out["parts"].items())
                print(f"round {round_no} {contender:13} {len(pages) / out['cpu_seconds']:8.1f} pages/CPU-s "
                      f"(CPU {out['cpu_seconds']:.2f} s: {parts}; whole process {whole:.2f} s)", flush=True)
    for contender in contenders:
        first = runs[contender][0][0]["results"]
        if any(out["results"] != first for out, _w in runs[contender][1:]):
            print(f"warning: {contender} gave different output in another round", flush=True)
        scored = score(keys, truths, first)
        if problems:
            for line in scored.wrong_dates[:20]:
                print(f"  {contender} date: {line}")
        cpu = statistics.median(out["cpu_seconds"] for out, _w in runs[contender])
        parts = {name: round(statistics.median(out["parts"].get(name, 0.0) for out, _w in runs[contender]), 2)
                 for name in runs[contender][0][0]["parts"]}
        rows.append({"contender": contender, "rounds": len(runs[contender]), "cpu_s": round(cpu, 2),
                     "cpu_parts": parts, "pages_per_cpu_s": round(len(pages) / cpu, 1),
                     "whole_cpu_s": round(statistics.median(w for _o, w in runs[contender]), 2),
                     **scored.row()})
    by = {r["contender"]: r for r in rows}
    if "trafilatura" in by:
        for row in rows:
            row["x_trafilatura"] = round(row["pages_per_cpu_s"] / by["trafilatura"]["pages_per_cpu_s"], 2)
    return rows


def print_table(rows: list[dict]) -> None:
    print(f"\n{'contender':13} {'pages':>5} {'CPU s':>6} {'pages/CPU-s':>11} {'x traf':>6} {'whole CPU s':>11} "
          f"{'recall':>6} {'precision':>9} {'spam left':>9} {'script left':>11} {'pages w/ spam':>13} {'dates':>5}")
    for r in rows:
        print(f"{r['contender']:13} {r['pages']:>5} {r['cpu_s']:>6} {r['pages_per_cpu_s']:>11} "
              f"{r.get('x_trafilatura', ''):>6} {r['whole_cpu_s']:>11} {r['body_recall']:>6.3f} "
              f"{r['body_precision']:>9.3f} {r['spam_phrases_left']:>4}/{r['spam_phrases']:<4} "
              f"{r['script_spam_left']:>5}/{r['script_spam']:<5} {r['pages_spam_left']:>13} {r['dates_right']:>5}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=20, help="replica scale (20 = 3,000 reports)")
    parser.add_argument("--replica", type=Path, default=None, help="replica dir (built if missing)")
    parser.add_argument("--warc", type=Path, action="append", default=None,
                        help="read the pages from these WARC files or directories (a crawl of the replica)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default=",".join(CONTENDERS), help=f"comma-separated subset of {','.join(CONTENDERS)}")
    parser.add_argument("--problems", action="store_true", help="list pages whose date is wrong (20 per contender)")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)
    contenders = tuple(c for c in CONTENDERS if c in args.only.split(","))
    unknown = set(args.only.split(",")) - set(CONTENDERS)
    if unknown or not contenders:
        parser.error(f"--only: unknown contender(s) {', '.join(sorted(unknown)) or '(none given)'}")
    replica = args.replica or Path(tempfile.gettempdir()) / f"gongkai-bench-replica-{args.scale}"
    if not (replica / "manifest.json").exists():
        from replica.generate import build_site

        print(f"building replica (scale {args.scale}) in {replica} ...", flush=True)
        print(build_site(replica, scale=args.scale), flush=True)
    rows = measure(replica, rounds=args.rounds, contenders=contenders, warcs=args.warc, problems=args.problems)
    print_table(rows)
    if args.json:
        args.json.write_text(json.dumps({"scale": args.scale, "source": "warc" if args.warc else "files",
                                         "rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
