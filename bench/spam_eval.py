"""Evaluate ``pipelines.cleaning`` on the labelled set in ``bench/spam_cases``.

Prints precision, recall and restoration accuracy per kind and overall; exits 0 (1 with
``--check`` when a target is missed). Run: ``.venv/bin/python bench/spam_eval.py [--check]``.

Scoring, per case: each expected injection is matched to at most one finding of the same kind
whose text contains the expected text (a true positive); unmatched expectations are false
negatives; findings that match nothing are false positives (every finding on a negative page is
one). Restoration accuracy counts expectations with an original word: right when the matched
finding restored exactly that word.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent / "spam_cases"))

from cases import generate, site_texts  # noqa: E402

from pipelines.cleaning import Action, SiteContext, clean_page  # noqa: E402

TARGETS = {"recall": 0.99, "precision": 0.995, "restoration": 0.95}


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    restorable: int = 0
    restored_right: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def restoration(self) -> float | None:
        return self.restored_right / self.restorable if self.restorable else None


def context_for(case: dict, site: SiteContext) -> SiteContext | None:
    if case["context"] == "site":
        return site
    if case["context"] == "capture":
        return SiteContext.from_texts([], other_captures=[case["capture"]])
    return None


def evaluate(cases: list[dict] | None = None) -> tuple[dict[str, Score], list[str]]:
    import random

    cases = cases if cases is not None else generate()
    site = SiteContext.from_texts(site_texts(random.Random(7)))
    scores: dict[str, Score] = {}
    problems: list[str] = []
    for case in cases:
        result = clean_page(case["html"], url=case["url"], context=context_for(case, site))
        unused = list(result.findings)
        for exp in case["expect"]:
            score = scores.setdefault(exp["kind"], Score())
            match = next((f for f in unused if f.kind == exp["kind"] and exp["text"] in f.text), None)
            if match is None:
                score.fn += 1
                problems.append(f"FN case {case['id']} ({case['kind']}): {exp['kind']} {exp['text']!r}")
                continue
            unused.remove(match)
            score.tp += 1
            if exp["original"] is not None:
                score.restorable += 1
                if match.action is Action.RESTORED and match.replacement == exp["original"]:
                    score.restored_right += 1
                else:
                    problems.append(
                        f"RESTORE case {case['id']}: {exp['original']!r} got {match.replacement!r} ({match.signal})"
                    )
        for f in unused:
            scores.setdefault(str(f.kind), Score()).fp += 1
            problems.append(f"FP case {case['id']} ({case['kind']}): {f.kind} {f.rule} {f.text[:60]!r}")
    return scores, problems


def overall(scores: dict[str, Score]) -> Score:
    total = Score()
    for s in scores.values():
        total.tp += s.tp
        total.fp += s.fp
        total.fn += s.fn
        total.restorable += s.restorable
        total.restored_right += s.restored_right
    return total


def meets_targets(scores: dict[str, Score]) -> bool:
    total = overall(scores)
    restoration = total.restoration if total.restoration is not None else 1.0
    return (
        total.recall >= TARGETS["recall"]
        and total.precision >= TARGETS["precision"]
        and restoration >= TARGETS["restoration"]
    )


def table(scores: dict[str, Score], n_cases: int, kinds: Counter) -> str:
    rows = [
        f"cases: {n_cases} ({kinds['negative']} negative pages)",
        "",
        "| kind | cases | expected | TP | FP | FN | precision | recall | restoration |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, s in sorted(scores.items()) + [("overall", overall(scores))]:
        restoration = "-" if s.restoration is None else f"{s.restoration:.3f} ({s.restored_right}/{s.restorable})"
        count = n_cases if name == "overall" else kinds.get(name, 0)
        rows.append(
            f"| {name} | {count} | {s.tp + s.fn} | {s.tp} | {s.fp} | {s.fn} | {s.precision:.3f} | {s.recall:.3f} | {restoration} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--problems", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    cases = generate()
    started = time.perf_counter()
    scores, problems = evaluate(cases)
    elapsed = time.perf_counter() - started
    print(table(scores, len(cases), Counter(c["kind"] for c in cases)))
    print(f"\n{elapsed:.2f} s for {len(cases)} pages ({1000 * elapsed / len(cases):.1f} ms/page)")
    if args.problems:
        print("\n".join(problems))
    ok = meets_targets(scores)
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
