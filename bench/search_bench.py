"""Search latency on a synthetic corpus of report texts in SQLite (results table: docs/research.md).

Builds N reports (default 100,000) of Chinese text drawn from a Zipf-distributed vocabulary of
report phrases and generated two-character words, written in bulk through the same rows and index
path as the crawler (``archive.sql.search.index_new_pages``), then times ``archive.sql.search.search`` for
each query kind and prints p50/p95.

Usage: .venv/bin/python bench/search_bench.py [--reports 100000] [--db PATH] [--queries 60]
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import insert

from archive.sql.engine import make_engine, make_sessionmaker
from archive.sql.models import Capture, CrawlRun, Page, ReportVersion
from archive.search import parse_query
from archive.sql.search import index_new_pages, search

PHRASES = (
    "政府信息公开 主动公开 依申请公开 行政复议 行政诉讼 规范性文件 政务公开 政策解读 新闻发布会 "
    "政府网站 政务新媒体 乡村振兴 脱贫攻坚 疫情防控 放管服 营商环境 惠农补贴 低保 医疗保险 "
    "征地拆迁 安全生产 环境保护 河长制 财政预决算 三公经费 民生实事 便民服务 信访 社会救助 "
    "公共资源交易 重大建设项目 工作年度报告 收费及减免 存在的主要问题 改进情况 其他需要报告的事项 "
    "网格化管理 人居环境整治 农村公路 义务教育 养老服务 退役军人 食品安全 防汛减灾 森林防火"
).split()
FILLER = "的 了 和 在 对 年 月 日 条 件 次 个 我镇 我街道 全年 共 其中 按照 要求 进一步 加强 做好 及时 认真 落实 开展".split()
SEED = 20261129


def vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    pool = [chr(c) for c in rng.sample(range(0x4E00, 0x9FA5), 900)]
    generated = {rng.choice(pool) + rng.choice(pool) for _ in range(4000)}
    words = PHRASES + FILLER + sorted(generated)
    rng.shuffle(words)
    return words, list(itertools.accumulate(1.0 / (rank + 1) ** 0.9 for rank in range(len(words))))


def townships(rng: random.Random, n: int = 300) -> list[str]:
    stems = [chr(c) for c in rng.sample(range(0x4E00, 0x9FA5), 400)]
    names = {rng.choice(stems) + rng.choice(stems) + rng.choice("镇乡") for _ in range(n * 2)}
    return sorted(names)[:n]


def report_text(rng: random.Random, words, cum_weights, township: str, year: int, length: int) -> str:
    parts = [f"{township}{year}年政府信息公开工作年度报告\n一、总体情况\n"]
    size = len(parts[0])
    while size < length:
        sentence = "".join(rng.choices(words, cum_weights=cum_weights, k=rng.randint(6, 14))) + rng.choice("，。；\n")
        parts.append(sentence)
        size += len(sentence)
    return "".join(parts)


def build_corpus(db_path: Path, reports: int, *, batch: int = 2000, seed: int = SEED) -> None:
    rng = random.Random(seed)
    words, weights = vocabulary(rng)
    towns = townships(rng)
    engine = make_engine(f"sqlite:///{db_path}")
    sessions = make_sessionmaker(engine)
    now = datetime(2026, 11, 1, tzinfo=UTC)
    with sessions.begin() as session:
        session.add(CrawlRun(id=1, started_at=now, software="bench"))
    for start in range(0, reports, batch):
        ids = range(start + 1, min(start + batch, reports) + 1)
        pages, captures, versions = [], [], []
        for i in ids:
            town, year = rng.choice(towns), rng.randint(2008, 2024)
            url = f"http://bench.example/{i}.htm"
            text = report_text(rng, words, weights, town, year, rng.randint(600, 2400))
            pages.append({"id": i, "url": url, "kind": "report", "first_seen_at": now, "last_seen_at": now})
            captures.append({"id": i, "run_id": 1, "page_id": i, "url": url, "method": "GET", "fetched_at": now,
                             "status": 200, "warc_filename": "bench.warc.gz", "warc_offset": i * 1000,
                             "warc_record_id": f"<urn:uuid:bench-{i}>"})
            versions.append({"id": i, "page_id": i, "version_no": 1, "capture_id": i, "last_capture_id": i,
                             "content_hash": f"{i:064d}", "created_at": now, "extractor_version": "bench",
                             "title": f"{town}{year}年政府信息公开工作年度报告", "township": town, "report_year": year,
                             "published_date": date(year + 1, 1, 1 + i % 28), "source": f"{town}人民政府",
                             "attachments": [], "raw_text": text, "clean_text": text, "provenance": {},
                             "conflicts": []})
        with sessions.begin() as session:
            session.execute(insert(Page), pages)
            session.execute(insert(Capture), captures)
            session.execute(insert(ReportVersion), versions)
            index_new_pages(session, [(v["id"], v["title"], v["clean_text"]) for v in versions])
    engine.dispose()


def query_sets(rng: random.Random, n: int) -> dict[str, list[str]]:
    corpus_rng = random.Random(SEED)  # the same draws as build_corpus
    words, _ = vocabulary(corpus_rng)
    towns = townships(corpus_rng)
    two = [w for w in words if len(w) == 2]
    four = [p for p in PHRASES if len(p) == 4]
    return {
        "2-character term": [rng.choice(two) for _ in range(n)],
        "4-character phrase": [f'"{rng.choice(four)}"' for _ in range(n)],
        "filtered (term + township + year)": [
            f"{rng.choice(PHRASES)} township:{rng.choice(towns)} year:{rng.randint(2008, 2024)}" for _ in range(n)],
        "AND of two phrases": [f"{rng.choice(PHRASES)} {rng.choice(PHRASES)}" for _ in range(n)],
        "1-character term": [rng.choice("镇报贴救") for _ in range(max(5, n // 6))],
    }


def measure(db_path: Path, queries: int, limit: int = 20) -> list[tuple[str, int, float, float, float]]:
    engine = make_engine(f"sqlite:///{db_path}")
    sessions = make_sessionmaker(engine)
    rows = []
    with sessions() as session:
        search(session, parse_query("政府信息公开"), limit=limit)  # warm the page cache
        for kind, texts in query_sets(random.Random(7), queries).items():
            times, hits = [], 0
            for text in texts:
                started = time.perf_counter()
                hits += len(search(session, parse_query(text), limit=limit))
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
            rows.append((kind, len(times), statistics.median(times), p95, hits / len(texts)))
    engine.dispose()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=Path("bench-search.sqlite"))
    parser.add_argument("--queries", type=int, default=60, help="queries per kind")
    parser.add_argument("--reuse", action="store_true", help="keep an existing corpus at --db")
    args = parser.parse_args(argv)
    if not (args.reuse and args.db.exists()):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.db}{suffix}").unlink(missing_ok=True)
        started = time.perf_counter()
        build_corpus(args.db, args.reports)
        print(f"built {args.reports} reports in {time.perf_counter() - started:.0f} s "
              f"({args.db.stat().st_size / 1e6:.0f} MB)", file=sys.stderr)
    print("| query | n | p50 ms | p95 ms | hits/query |\n|---|---:|---:|---:|---:|")
    for kind, n, p50, p95, hits in measure(args.db, args.queries):
        print(f"| {kind} | {n} | {p50:.1f} | {p95:.1f} | {hits:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
