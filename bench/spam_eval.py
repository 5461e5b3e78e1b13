"""Evaluate ``pipelines.cleaning`` on two labelled sets in ``bench/spam_cases``.

1. The hand-made set (``cases.py``, ``handwritten.json``), scored by the cleaner's own finding
   kinds: each expected injection is matched to at most one finding of the same kind whose text
   contains the expected text (a true positive); unmatched expectations are false negatives;
   findings that match nothing are false positives (every finding on a negative page is one).
   Restoration accuracy counts expectations with an original word.
2. The realistic set (``sites.py``): whole sites modelled on real injections, cleaned site by
   site through ``clean_site`` and scored against the pre-hack pages, cleaner-agnostic
   (``scoring.py``): removal recall, fragments, restoration, precision, named recall.
3. ``--loo``: leave-one-out over the lexicon's brand, weak and term entries (``loo.py``).

Also prints the cleaning CPU time per page (median, p90). Exits 0; with ``--check``, 1 when a
target is missed. Run: ``.venv/bin/python bench/spam_eval.py [--check] [--problems] [--loo]``;
the method and the baseline are in ``docs/cleaning-eval.md``.
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
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "spam_cases"))

from cases import generate, site_texts  # noqa: E402
from spam_cases import loo, scoring, sites  # noqa: E402

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


def evaluate(cases: list[dict] | None = None, times: list[float] | None = None) -> tuple[dict[str, Score], list[str]]:
    """Score the hand-made set; ``times`` (if given) receives the CPU ms of each page."""
    import random

    cases = cases if cases is not None else generate()
    site = SiteContext.from_texts(site_texts(random.Random(7)))
    scores: dict[str, Score] = {}
    problems: list[str] = []
    for case in cases:
        started = time.process_time()
        result = clean_page(case["html"], url=case["url"], context=context_for(case, site))
        if times is not None:
            times.append(1000 * (time.process_time() - started))
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


def _cost(name: str, values: list[float]) -> str:
    if not values:
        return f"| {name} | 0 | - | - | - |"
    mean = sum(values) / len(values)
    return (
        f"| {name} | {len(values)} | {scoring.percentile(values, 0.5):.1f} | {scoring.percentile(values, 0.9):.1f} | {mean:.1f} |"
    )


def known_to(lexicon_words: set[str]):
    """Whether the lexicon lists (part of) every brand and term an injection uses."""

    def key(o: scoring.Outcome) -> str:
        entries = o.inj.entries
        if not entries:
            return "no brand (placeholder)"
        known = all(any(w in e.lower() for w in lexicon_words) for e in entries)
        return "lexicon lists them" if known else "not in the lexicon"

    return key


def realistic_report(result: scoring.Result, set_sites: list, show_problems: bool) -> list[str]:
    from pipelines.cleaning.lexicon import default_lexicon

    lex = default_lexicon()
    words = {w.lower() for c in ("brand", "term", "weak") for w in lex.words(c)}
    c = scoring.counts(set_sites)
    t = scoring.totals(result)
    out = [
        "## Realistic set (sites modelled on real injections; cleaner-agnostic scoring)",
        "",
        f"{c['sites']} sites ({dict(c['scenarios'])}; templates {dict(c['templates'])}), {c['pages']} pages "
        f"({c['hacked pages']} hacked, {c['negative pages']} negative), {c['injections']} injections, "
        f"{c['distinct brands and terms']} distinct brands and terms",
        "",
        scoring.table("kind", scoring.rows_by(result.outcomes, lambda o: o.inj.kind)),
        "",
        scoring.table("phrase shape", scoring.rows_by(result.outcomes, lambda o: o.inj.shape)),
        "",
        scoring.table("site scenario", scoring.rows_by(result.outcomes, lambda o: _scenario(o, set_sites))),
        "",
        scoring.table("brands and terms", scoring.rows_by(result.outcomes, known_to(words)), total=False),
        "",
        scoring.table("original on record", scoring.rows_by(result.outcomes, lambda o: o.inj.evidence), total=False),
        "",
        scoring.precision_table(result),
        "",
        scoring.negatives_table(result),
        "",
        f"overall: removal recall {t['recall']:.3f}, fragments {t['fragments']}, restoration {t['restoration']:.3f} "
        f"(of {t['restorable']} where the site shows the original), precision {t['precision_chars']:.4f} (chars) / "
        f"{t['precision_spans']:.4f} (spans), named {t['named']:.3f}; clean_text differs from body_text(clean_html) "
        f"on {result.render_mismatches} pages",
    ]
    if show_problems:
        out += ["", "### Misses (realistic set)", *scoring.problems(result)]
    return out


_SITE_SCENARIO: dict[str, str] = {}


def _scenario(o: scoring.Outcome, set_sites: list) -> str:
    if not _SITE_SCENARIO:
        _SITE_SCENARIO.update({s.id: s.scenario for s in set_sites})
    return _SITE_SCENARIO.get(o.inj.id.split("/")[0], "?")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--problems", action="store_true", help="list every miss")
    parser.add_argument("--loo", action="store_true", help="also run leave-one-out over the lexicon (a few minutes)")
    args = parser.parse_args(argv)
    ok = True

    cases = generate()
    old_times: list[float] = []
    scores, problems = evaluate(cases, old_times)
    print("## Hand-made set (scored by the cleaner's finding kinds)\n")
    print(table(scores, len(cases), Counter(c["kind"] for c in cases)))
    if args.problems:
        print("\n".join(problems))
    old_ok = meets_targets(scores)
    ok &= old_ok
    print("hand-made set: " + ("targets met" if old_ok else "TARGETS MISSED") + "\n")

    set_sites = sites.generate()
    sites.check(set_sites)
    outputs = scoring.run(set_sites)
    result = scoring.score(set_sites, outputs)
    print("\n".join(realistic_report(result, set_sites, args.problems)))
    real_ok = scoring.meets_targets(result)
    ok &= real_ok
    print("realistic set: " + ("targets met" if real_ok else "TARGETS MISSED") + "\n")

    loo_times: list[float] = []
    if args.loo:
        scores_loo = loo.run(timing=loo_times)
        print("## Leave-one-out (one lexicon entry removed; pages whose only spam is that entry)\n")
        print(loo.summary(scores_loo))
        if args.problems:
            for s in sorted(scores_loo, key=lambda s: s.recall)[:30]:
                print(f"LOO {s.cls} {s.term}: {s.clean}/{s.injections} without it, {s.clean_full}/{s.injections} with it")
        loo_ok = loo.mean_recall(scores_loo) >= scoring.TARGETS["loo_mean"]
        ok &= loo_ok
        print("leave-one-out: " + ("target met" if loo_ok else "TARGET MISSED") + "\n")

    print("## Cleaning cost (CPU ms per page; realistic and leave-one-out pages: clean_site time shared by the site's pages)\n")
    print("| pages | n | median | p90 | mean |\n| --- | --- | --- | --- | --- |")
    print(_cost("hand-made set (clean_page)", old_times))
    print(_cost("realistic set (clean_site)", result.cpu_ms_per_page))
    if loo_times:
        print(_cost("leave-one-out sites (clean_site, both lexicons)", loo_times))
    print(_cost("all", old_times + result.cpu_ms_per_page + loo_times))
    print("\n" + ("all targets met" if ok else "TARGETS MISSED"))
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
