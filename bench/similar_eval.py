"""Precision and recall of copy-paste detection on constructed pairs.

Builds a corpus of honest synthetic reports (they share the national template, stock phrasing,
each township's own contact line across its years, and for a tenth of them a county circular
pasted verbatim), then overwrites some with near-copies of another report: another township's
same-year report or the same township's previous year, with names, years and figures swapped and
``edits`` sentences rewritten. Every other allowed pair is an honest pair.

Usage: .venv/bin/python bench/similar_eval.py [--townships 60] [--copies 40] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.diff.similar import SimilarDoc, find_similar  # noqa: E402
from replica.synth import near_copy, synth_report, township_name  # noqa: E402

YEARS = (2016, 2017, 2018, 2019, 2020, 2021)
EDITS = (1, 3, 6, 9, 12)   # sentences rewritten in a copy (of about 24)


CIRCULAR = ("按照县委县政府统一部署，深入推进基层政务公开标准化规范化建设，全面梳理公开事项目录。"
            "围绕重大建设项目、公共资源配置、社会公益事业等重点领域，细化公开内容和公开时限。"
            "健全政策解读回应机制，做到政策文件与解读材料同步组织、同步审签、同步部署。")


def build(townships: int, copies: int, seed: int, sentences: int, circular_share: float = 0.1):
    """Honest reports (a ``circular_share`` of each year's also paste the same county circular,
    which is not copying between them), then ``copies`` near-copies overwriting some."""
    rng = random.Random(seed)
    reports = {(township_name(i), y): synth_report(township_name(i), y, seed, sentences=sentences)
               for i in range(townships) for y in YEARS}
    for key, report in list(reports.items()):
        if rng.random() < circular_share:
            text = report.text.replace("二、", f"{CIRCULAR}{key[1]}年。\n二、", 1)
            reports[key] = type(report)(report.township, report.year, text, report.figures)
    truth: set[frozenset] = set()
    used: set = set()
    for n in range(copies):
        edits = EDITS[n % len(EDITS)]
        for _ in range(100):
            if n % 2 == 0:   # another township, same year
                y = rng.choice(YEARS)
                a, b = rng.sample(range(townships), 2)
                src, dst = (township_name(a), y), (township_name(b), y)
            else:            # same township, next year
                i = rng.randrange(townships)
                k = rng.randrange(len(YEARS) - 1)
                src, dst = (township_name(i), YEARS[k]), (township_name(i), YEARS[k + 1])
            if src not in used and dst not in used:
                break
        used.update((src, dst))
        reports[dst] = near_copy(reports[src], dst[0], dst[1], seed + n, edits=edits)
        truth.add(frozenset((src, dst)))
    keys = sorted(reports)
    docs = [SimilarDoc(n, k[0], k[1], f"synthetic:{k[0]}/{k[1]}", reports[k].text) for n, k in enumerate(keys)]
    return docs, keys, truth


def evaluate(docs, keys, truth, thresholds):
    rows = []
    for threshold in thresholds:
        start = time.perf_counter()
        result = find_similar(docs, threshold=threshold)
        elapsed = time.perf_counter() - start
        found = {frozenset((keys[p.a.key], keys[p.b.key])) for p in result.pairs}
        tp = len(found & truth)
        precision = tp / len(found) if found else 1.0
        recall = tp / len(truth) if truth else 1.0
        rows.append((threshold, len(found), tp, precision, recall, elapsed))
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--townships", type=int, default=60)
    parser.add_argument("--copies", type=int, default=40)
    parser.add_argument("--sentences", type=int, default=24)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--circular-share", type=float, default=0.1)
    args = parser.parse_args(argv)
    docs, keys, truth = build(args.townships, args.copies, args.seed, args.sentences, args.circular_share)
    honest = sum(1 for i in range(len(docs)) for j in range(i + 1, len(docs))
                 if (docs[i].township == docs[j].township) != (docs[i].year == docs[j].year)) - len(truth)
    print(f"{len(docs)} reports, {len(truth)} copied pairs, {honest} honest comparable pairs")
    print("threshold  flagged  true  precision  recall  seconds")
    for threshold, flagged, tp, precision, recall, elapsed in evaluate(
            docs, keys, truth, (0.15, 0.2, 0.25, 0.3, 0.4, 0.5)):
        print(f"{threshold:9.2f}  {flagged:7d}  {tp:4d}  {precision:9.3f}  {recall:6.3f}  {elapsed:7.2f}")


if __name__ == "__main__":
    main()
