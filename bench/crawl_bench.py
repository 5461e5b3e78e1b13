"""Crawl benchmark: gongkai against a bare spider, the archiving peers and wget, on one replica.

Builds (or reuses) a replica county at ``--scale`` (20 = 3,000 reports), serves its ``site/``
directory with nginx from a config in a temp dir on a free loopback port (the replica's own
Python server when nginx is absent), and, in each round, runs one after the other:

* ``bare``     bench/bare_spider.py: the reports spider, no capture, no pipelines, no storage;
* ``webarchive``  scrapy-webarchive 0.5.3 (its WACZ exporter, a WARC writer on ``response_downloaded``)
  in front of bench/peer_spider.py (the same link following in plain Scrapy), in a venv of its own
  (Scrapy 2.11: bench/requirements-webarchive.txt);
* ``warcprox`` the bare spider through warcprox 2.13.1 (``-z``, no dedup, no stats db), in a venv
  of its own (bench/requirements-warcprox.txt); seconds until the spider exited and warcprox had
  written every record and stopped;
* ``wget``     ``wget --mirror --no-parent --warc-file ... -e robots=on`` (Debian's wget; skipped, with a
  message, when there is none);
* ``capture``  ``gongkai crawl -s 'ITEM_PIPELINES={}'``: WARC capture and capture rows only;
* ``gongkai``  ``gongkai crawl`` (WARC capture, cleaning, extraction, SQL in SQLite), with its
  default cleaning worker processes (``GONGKAI_PROCESS_WORKERS=auto``: one per core but one);
* ``gongkai-serial``  the same with everything in one process (``GONGKAI_PROCESS_WORKERS=0``);
* ``gongkai-N`` N workers on one Redis frontier and one PostgreSQL database (``--workers``);
* ``process``  after the crawls: the processing peer, bench/process_bench.py (gongkai's cleaning
  and extraction against trafilatura + htmldate, pages per CPU-second), on the report pages of the
  last round's ``capture`` (else ``gongkai``) WARC files, same number of rounds.

It prints pages/second (pages fetched / wall seconds of the process, start-up included), the CPU
seconds (user + system) of every process a contender ran (warcprox included: on a shared machine
the steadier figure), and peak
RSS per process (``VmHWM``, sampled; the largest cleaning worker's apart), medians over rounds,
and the ratios. nginx serves files by path and ignores query strings, so the replica's
``download.jsp?...`` attachments answer 404 there (all contenders alike); the Python server
serves them.

The peers' venvs live in ``bench/.venvs/`` and are made on first use from the pinned
requirements files (bench/peer_venvs.py; ``make bench-venvs`` makes them ahead). wget, when it
is not installed, is skipped with a message.

Run: ``.venv/bin/python bench/crawl_bench.py --scale 20 --rounds 1 --workers 2``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from peer_venvs import peer_venv

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
        "-s", "RETRY_TIMES=1"]
REDIS_URL = os.environ.get("GONGKAI_BENCH_REDIS", "redis://127.0.0.1:6379/0")
PG_ADMIN_URL = os.environ.get("GONGKAI_BENCH_PG_ADMIN", "postgresql://root@127.0.0.1:5432/test")
WGET_REJECT = r"dynclicks|/system/resource/"

NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    types {{ text/html htm html; text/plain txt; }}
    default_type application/octet-stream;
    charset off;
    access_log off;
    sendfile on;
    keepalive_timeout 30;
    client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fcgi;
    uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        index index.htm;
    }}
}}
"""

GONGKAI_WORKER = """
import json, sys
from pathlib import Path
from crawler.runner import FAST_SETTINGS, run_crawl
url, data_dir, db_url, redis_url, prefix, worker, cleaning_workers = sys.argv[1:8]
settings = dict(FAST_SETTINGS, GONGKAI_PROCESS_WORKERS=cleaning_workers)
outcome = run_crawl(start_urls=[url], site="renshou", data_dir=Path(data_dir), db_url=db_url,
                    settings=settings, redis_url=redis_url, worker_id=worker,
                    idle_timeout=1.0, redis_prefix=prefix)
print(json.dumps({"pages": outcome.stats.get("gongkai/captures", 0)}))
"""


@dataclass(frozen=True, slots=True)
class Measure:
    contender: str
    pages: int
    seconds: float
    max_rss_mb: tuple[float, ...]  # one per process
    helper_rss_mb: tuple[float, ...] = ()  # per process: the largest of its child processes
    cpu_seconds: float = 0.0  # user + system CPU of every process the contender ran (wait4 rusage)

    @property
    def rate(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StaticServer:
    """nginx on a free loopback port (or the replica server when nginx is missing)."""

    def __init__(self, replica: Path):
        self.replica = replica
        self.tmp = Path(tempfile.mkdtemp(prefix="gongkai-bench-http-"))
        self.port = free_port()
        self.kind = "nginx" if shutil.which("nginx") else "replica-server"
        self.proc: subprocess.Popen | None = None
        self.replica_server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def __enter__(self) -> StaticServer:
        if self.kind == "nginx":
            conf = self.tmp / "nginx.conf"
            conf.write_text(NGINX_CONF.format(tmp=self.tmp, port=self.port, root=self.replica / "site"))
            self.proc = subprocess.Popen(["nginx", "-p", str(self.tmp), "-c", str(conf), "-g", "daemon off;"])
        else:
            from replica.server import ReplicaServer

            self.replica_server = ReplicaServer(self.replica, port=self.port).start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"{self.kind} did not start on port {self.port} (see {self.tmp})")

    def __exit__(self, *exc) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        if self.replica_server is not None:
            self.replica_server.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)


def peak_rss_mb(pid: int) -> float | None:
    """``VmHWM`` of a live process: the peak resident set of its current program image.

    Not ``wait4``'s ``ru_maxrss``: Linux carries the parent's resident size at fork into the
    child's maximum, so every child would report at least the benchmark process's own size.
    """
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def descendants(pid: int) -> list[int]:
    """Live child processes of ``pid`` and theirs (gongkai's cleaning workers)."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{parent}/task/{task}/children") as fh:
                    children = [int(c) for c in fh.read().split()]
            except OSError:
                continue
            found.extend(children)
            todo.extend(children)
    return found


def wait_watching(procs: list[subprocess.Popen], *, interval: float = 0.1,
                  helpers: list[float] | None = None) -> list[float]:
    """Wait for ``procs``, sampling each one's peak RSS until it exits; returns the peaks (MB).

    With ``helpers``, also samples each one's child processes and keeps there, per process,
    the largest peak of any child.
    """
    peaks = [0.0] * len(procs)
    while any(p.poll() is None for p in procs):
        for i, proc in enumerate(procs):
            if proc.returncode is None:
                peaks[i] = max(peaks[i], peak_rss_mb(proc.pid) or 0.0)
                if helpers is not None:
                    for child in descendants(proc.pid):
                        helpers[i] = max(helpers[i], peak_rss_mb(child) or 0.0)
        time.sleep(interval)
    return peaks


def run_measured(cmds: list[list[str]], *, cwd: Path = ROOT,
                 helpers: list[float] | None = None) -> tuple[float, list[float], list[str]]:
    """Start ``cmds`` together; wall seconds until all exit, each one's peak RSS (MB), stdouts.

    ``helpers`` (one 0.0 per command) receives each one's largest child process peak."""
    began = time.monotonic()
    procs, outs = [], []
    for cmd in cmds:
        out = tempfile.TemporaryFile()
        outs.append(out)
        procs.append(subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL,
                                      stdin=subprocess.DEVNULL))
    rss = wait_watching(procs, helpers=helpers)
    seconds = time.monotonic() - began
    outputs = []
    for proc, out in zip(procs, outs):
        out.seek(0)
        outputs.append(out.read().decode("utf-8", "replace"))
        if proc.returncode != 0:
            raise RuntimeError(f"{cmds[0][:4]} exited {proc.returncode}: {outputs[-1][-2000:]}")
    return seconds, rss, outputs


def bench_bare(url: str) -> Measure:
    seconds, rss, (out,) = run_measured([[PYTHON, str(ROOT / "bench" / "bare_spider.py"), url]])
    return Measure("bare", json.loads(out.strip().splitlines()[-1])["pages"], seconds, tuple(rss))


def bench_wget(url: str, work: Path) -> Measure | None:
    """wget's recursive crawl into a WARC; None (with a message) when there is no wget."""
    from warcio.archiveiterator import ArchiveIterator

    if shutil.which("wget") is None:
        print("wget: not installed, skipped (Debian: apt-get install wget)", flush=True)
        return None

    target = work / "wget"
    target.mkdir()
    # --mirror is -r -l inf -N --no-remove-listing; wget turns -N off itself with --warc-file
    cmd = ["wget", "--mirror", "--no-parent", "-e", "robots=on", "--no-verbose",
           f"--reject-regex={WGET_REJECT}", f"--warc-file={target / 'bench'}", "-P", str(target / "files"), url]
    began = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    (rss,) = wait_watching([proc])  # wget exits 8 when some fetch answered 404: not an error here
    seconds = time.monotonic() - began
    with open(target / "bench.warc.gz", "rb") as fh:
        pages = sum(1 for record in ArchiveIterator(fh) if record.rec_type == "response")
    return Measure("wget", pages, seconds, (rss,))


def bench_webarchive(url: str, work: Path) -> Measure:
    """scrapy-webarchive's exporter in front of the peer spider, in its own venv."""
    python = peer_venv("webarchive") / "bin" / "python"
    out = work / "webarchive"
    seconds, rss, (stdout,) = run_measured([[str(python), str(ROOT / "bench" / "peer_spider.py"), url,
                                             "--webarchive", str(out)]])
    pages = json.loads(stdout.strip().splitlines()[-1])["pages"]
    return Measure("webarchive", pages, seconds, tuple(rss))


def bench_warcprox(url: str, work: Path) -> Measure:
    """The bare spider with warcprox as its HTTP proxy; warcprox's own memory is not counted."""
    venv = peer_venv("warcprox")
    out = work / "warcprox"
    out.mkdir()
    port = free_port()
    proxy = subprocess.Popen(
        [str(venv / "bin" / "python"), str(ROOT / "bench" / "warcprox_local.py"), "-b", "127.0.0.1", "-p", str(port), "-d", str(out / "warcs"), "-z",
         "--dedup-db-file", "/dev/null", "--stats-db-file", "/dev/null", "--certs-dir", str(out / "certs"),
         "-c", str(out / "ca.pem")],
        cwd=out, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or proxy.poll() is not None:
                    raise RuntimeError("warcprox did not start") from None
                time.sleep(0.05)
        env = dict(os.environ, http_proxy=f"http://127.0.0.1:{port}", no_proxy="")
        began = time.monotonic()
        spider = subprocess.Popen([PYTHON, str(ROOT / "bench" / "bare_spider.py"), url], cwd=ROOT, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        stdout, _ = spider.communicate()
        proxy.terminate()  # warcprox writes its queue out before it exits
        proxy.wait(timeout=120)
        seconds = time.monotonic() - began
    finally:
        if proxy.poll() is None:
            proxy.kill()
    from warcio.archiveiterator import ArchiveIterator

    pages = 0
    for path in (out / "warcs").glob("*.warc.gz"):
        with open(path, "rb") as fh:
            pages += sum(1 for record in ArchiveIterator(fh) if record.rec_type == "response")
    spider_pages = json.loads(stdout.decode().strip().splitlines()[-1])["pages"]
    if pages != spider_pages:
        print(f"warcprox archived {pages} responses, the spider got {spider_pages}", flush=True)
    return Measure("warcprox", pages, seconds, ())


def bench_gongkai(url: str, work: Path, *, serial: bool = False, capture_only: bool = False) -> Measure:
    """``gongkai crawl``; ``serial``: everything in one process (``GONGKAI_PROCESS_WORKERS=0``);
    ``capture_only``: no item pipeline (WARC records and capture rows only)."""
    name = "gongkai-serial" if serial else "gongkai-capture" if capture_only else "gongkai"
    data = work / name
    extra = ["-s", "GONGKAI_PROCESS_WORKERS=0"] if serial else []
    if capture_only:
        extra += ["-s", "ITEM_PIPELINES={}"]
    helpers = [0.0]
    seconds, rss, _ = run_measured([[PYTHON, "-m", "gongkai", "crawl", "--start-url", url,
                                     "--data-dir", str(data), *FAST, *extra]], helpers=helpers)
    import sqlite3

    with sqlite3.connect(data / "gongkai.sqlite") as db:
        pages = db.execute("select count(*) from captures where status is not null").fetchone()[0]
    return Measure(name, pages, seconds, tuple(rss), tuple(helpers))


def bench_distributed(url: str, work: Path, workers: int, cleaning_workers: int | None = None) -> Measure:
    import psycopg
    import redis

    from crawler.distributed import FrontierKeys, clear_frontier, seed

    name = f"gongkai_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    db_url = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + f"/{name}"
    keys = FrontierKeys(f"gongkai-bench:{uuid.uuid4().hex[:8]}")
    try:
        from archive.sql.engine import make_engine

        make_engine(db_url).dispose()  # schema first, outside the timed part (as on a live system)
        seed(REDIS_URL, [url], prefix=keys.prefix)
        # docs/scaling.md: k workers on one machine get cores / k - 1 cleaning processes each
        if cleaning_workers is None:
            cleaning_workers = max(len(os.sched_getaffinity(0)) // workers - 1, 0)
        cmds = [[PYTHON, "-c", GONGKAI_WORKER, url, str(work / f"worker{i}"), db_url, REDIS_URL, keys.prefix, f"w{i}",
                 str(cleaning_workers)] for i in range(workers)]
        helpers = [0.0] * len(cmds)
        seconds, rss, outs = run_measured(cmds, helpers=helpers)
        pages = sum(json.loads(o.strip().splitlines()[-1])["pages"] for o in outs)
    finally:
        clear_frontier(REDIS_URL, keys)
        redis.Redis.from_url(REDIS_URL).close()
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return Measure(f"gongkai-{workers}", pages, seconds, tuple(rss), tuple(helpers))


def summarise(results: list[Measure]) -> list[dict]:
    rows = []
    for name in dict.fromkeys(m.contender for m in results):
        runs = [m for m in results if m.contender == name]
        rows.append({
            "contender": name,
            "rounds": len(runs),
            "pages": int(statistics.median(m.pages for m in runs)),
            "seconds": round(statistics.median(m.seconds for m in runs), 1),
            "pages_per_s": round(statistics.median(m.rate for m in runs), 1),
            "cpu_s": round(statistics.median(m.cpu_seconds for m in runs), 1),
            "max_rss_mb": round(max(max(m.max_rss_mb, default=0.0) for m in runs), 1),
            "max_helper_rss_mb": round(max(max(m.helper_rss_mb, default=0.0) for m in runs), 1),
            "processes": len(runs[0].max_rss_mb),
        })
    by = {r["contender"]: r for r in rows}
    for row in rows:
        for base in ("bare", "webarchive", "wget"):
            if base in by and by[base]["pages_per_s"]:
                row[f"x_{base}"] = round(row["pages_per_s"] / by[base]["pages_per_s"], 2)
    return rows


def print_table(rows: list[dict], server: str) -> None:
    print(f"\nserver: {server}")
    print(f"{'contender':16} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'CPU s':>6} {'peak RSS MB':>12} {'helper MB':>10}"
          f" {'x bare':>7} {'x webarch':>9} {'x wget':>7}")
    for r in rows:
        print(f"{r['contender']:16} {r['pages']:>6} {r['seconds']:>8} {r['pages_per_s']:>8} {r['cpu_s']:>6} "
              f"{r['max_rss_mb']:>12} {r['max_helper_rss_mb'] or '':>10} {r.get('x_bare', ''):>7} "
              f"{r.get('x_webarchive', ''):>9} {r.get('x_wget', ''):>7}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=20, help="replica scale (20 = 3,000 reports)")
    parser.add_argument("--replica", type=Path, default=None, help="replica dir (built if missing)")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="gongkai workers in distributed mode (0: skip)")
    parser.add_argument("--only", default="bare,webarchive,warcprox,wget,capture,gongkai,serial,distributed,process",
                        help="comma-separated subset of bare,webarchive,warcprox,wget,capture,gongkai,serial,"
                             "distributed,process (serial: gongkai with no cleaning worker processes; capture: "
                             "gongkai with ITEM_PIPELINES={}; process: bench/process_bench.py on the report "
                             "pages of the last round's capture WARC, after the crawls)")
    parser.add_argument("--cleaning-workers", type=int, default=None,
                        help="GONGKAI_PROCESS_WORKERS of each distributed worker "
                             "(default: cores / workers - 1, as docs/scaling.md advises)")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)
    only = set(args.only.split(","))
    replica = args.replica or Path(tempfile.gettempdir()) / f"gongkai-bench-replica-{args.scale}"
    if not (replica / "manifest.json").exists():
        from replica.generate import build_site

        print(f"building replica (scale {args.scale}) in {replica} ...", flush=True)
        print(build_site(replica, scale=args.scale), flush=True)
    results: list[Measure] = []
    kept_dir = tempfile.TemporaryDirectory(prefix="gongkai-bench-warcs-")  # removed at exit if not before
    kept = Path(kept_dir.name)  # the last round's capture WARCs, for "process"
    with StaticServer(replica) as server:
        print(f"serving {replica / 'site'} with {server.kind} at {server.url}", flush=True)
        if server.kind != "nginx":
            print("note: no nginx here (Debian: apt-get install nginx-light); docs/benchmarks.md's tables were "
                  "served by nginx", flush=True)
        for round_no in range(1, args.rounds + 1):
            with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmp:
                work = Path(tmp)
                steps = [("bare", lambda: bench_bare(server.url)),
                         ("webarchive", lambda: bench_webarchive(server.url, work)),
                         ("warcprox", lambda: bench_warcprox(server.url, work)),
                         ("wget", lambda: bench_wget(server.url, work)),
                         ("capture", lambda: bench_gongkai(server.url, work, capture_only=True)),
                         ("gongkai", lambda: bench_gongkai(server.url, work)),
                         ("serial", lambda: bench_gongkai(server.url, work, serial=True))]
                if args.workers:
                    steps.append(("distributed", lambda: bench_distributed(server.url, work, args.workers, args.cleaning_workers)))
                for name, step in steps:
                    if name not in only:
                        continue
                    before = resource.getrusage(resource.RUSAGE_CHILDREN)
                    measure = step()
                    after = resource.getrusage(resource.RUSAGE_CHILDREN)
                    if measure is None:
                        continue
                    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
                    measure = replace(measure, cpu_seconds=round(cpu, 2))
                    results.append(measure)
                    print(f"round {round_no} {measure.contender:10} {measure.pages:6} pages {measure.seconds:7.1f} s "
                          f"{measure.rate:7.1f} pages/s  CPU {measure.cpu_seconds:6.1f} s  peak RSS {', '.join(f'{r:.0f}' for r in measure.max_rss_mb)} MB"
                          + (f" (helpers {', '.join(f'{r:.0f}' for r in measure.helper_rss_mb)} MB)"
                             if any(measure.helper_rss_mb) else ""),
                          flush=True)
                if "process" in only:
                    keep_warcs(work, kept)
        rows = summarise(results)
        print_table(rows, server.kind)
    processing = []
    if "process" in only:
        import process_bench

        warcs = [kept] if any(kept.iterdir()) else None  # else the replica's files
        processing = process_bench.measure(replica, rounds=args.rounds, warcs=warcs)
        process_bench.print_table(processing)
    kept_dir.cleanup()
    if args.json:
        args.json.write_text(json.dumps({"scale": args.scale, "server": server.kind, "rows": rows,
                                         "runs": [asdict(m) for m in results], "processing": processing}, indent=1))
    return 0


def keep_warcs(work: Path, kept: Path) -> None:
    """Keep the WARC files of this round's gongkai capture-only crawl (else its full crawl)."""
    from archive.warc.files import warc_dir

    for name in ("gongkai-capture", "gongkai"):
        source = warc_dir(work / name)
        if source.is_dir():
            for old in kept.iterdir():
                old.unlink()
            for file in source.iterdir():
                shutil.move(file, kept / file.name)
            return


if __name__ == "__main__":
    sys.exit(main())
