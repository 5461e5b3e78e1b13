"""Cleaner-agnostic scoring of the realistic set against the pre-hack truth.

The cleaner runs the way the crawl will, one site at a time (``clean_site``); then, field by
field, the served text H is aligned with the cleaned text C (``difflib``, characters, no junk
heuristic). The cleaner only removes and replaces, so what H keeps shows in the equal blocks:

* what the output holds at an injection's place is the text between the nearest kept
  characters around it (minus the original word, when that was put back);
* an injection is **removed** when no letter, digit or CJK character of the phrase is left
  there;
* a **fragment** is a run of two or more characters of the injected phrase left there;
* **restored right**: where the injection replaced a word, the output holds exactly that word
  between the kept neighbours (measured where the site shows the original: an earlier clean
  capture, or clean pages of the site carrying the word);
* **legit text lost**: kept-or-not for every character of H outside all injected spans; a
  removal (difflib delete/replace block) touching such a character is a wrong span, an
  insertion away from every injection is a wrong span too;
* **named**: some finding of the page (any action, also ``suspected``) lists the injection, the
  way ``gongkai spam-report`` lists a page's phrases: a body finding overlapping it (offsets
  into the body text), or any finding whose text shares at least four characters with the
  phrase (or all of the shorter of the two, at least two). One listed phrase names all its
  occurrences on the page.

Nothing here reads the cleaner's finding kinds or rules: the truth is in the set's own words.
"""

from __future__ import annotations

import difflib
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


from .fields import extract
from .sites import EvalPage, Injection, Site

TARGETS = {"recall": 0.99, "precision": 0.995, "restoration": 0.95, "fragments": 0, "loo_mean": 0.95}
_WORDY = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")
_SEPS = re.compile(r"[\s,，、|/·\-_—–:：;；【】]+")


@dataclass
class CleanOutput:
    fields: dict[str, str]
    findings: tuple
    render_mismatch: bool = False


@dataclass
class Outcome:
    inj: Injection
    page: str
    removed: bool
    fragment: str  # the longest run of >= 2 characters of the phrase left at its place ("" when none)
    kept: str  # the characters of the phrase left at its place, in order
    got: str  # what the output holds at the injection's place
    restored: bool | None
    named: bool


@dataclass
class FieldTally:
    injected_removed: int = 0
    legit_lost: int = 0
    spans: int = 0
    wrong_spans: int = 0


@dataclass
class PageResult:
    page: EvalPage
    outcomes: list[Outcome]
    tallies: dict[str, FieldTally]
    changed: list[str]  # fields whose text changed
    lost: list[str]  # legit text lost, as (field: text) strings


@dataclass
class Result:
    pages: list[PageResult]
    cpu_ms_per_page: list[float] = field(default_factory=list)
    render_mismatches: int = 0

    @property
    def outcomes(self) -> list[Outcome]:
        return [o for p in self.pages for o in p.outcomes]


# ---------------------------------------------------------------- running the cleaner


def run(sites: Sequence[Site], clean_site: Callable | None = None, lexicon=None) -> dict[str, CleanOutput]:
    """Clean every site with ``clean_site`` (``pipelines.cleaning.clean_site`` by default);
    the cleaned fields of every page, and the CPU time per page (the site's time shared out)."""
    from pipelines.cleaning import SitePage
    from pipelines.cleaning import clean_site as default_clean_site

    clean_site = clean_site or default_clean_site
    outputs: dict[str, CleanOutput] = {}
    times: list[float] = []
    for site in sites:
        site_pages = [SitePage(p.url, p.html, p.earlier) for p in site.pages]
        started = time.process_time()
        results = clean_site(site_pages, lexicon=lexicon) if lexicon is not None else clean_site(site_pages)
        elapsed = time.process_time() - started
        times += [1000 * elapsed / len(site.pages)] * len(site.pages)
        for page, result in zip(site.pages, results, strict=True):
            fields = extract(result.clean_html, page.layout)
            mismatch = fields["body"] != result.clean_text
            fields["body"] = result.clean_text
            outputs[page.id] = CleanOutput(fields, tuple(result.findings), mismatch)
    outputs["__cpu_ms__"] = times  # type: ignore[assignment]
    return outputs


# ---------------------------------------------------------------- alignment


def _alignment(h: str, c: str):
    """Per character of ``h``: its index in ``c`` when kept, else -1; and the opcodes."""
    matcher = difflib.SequenceMatcher(None, h, c, autojunk=False)
    ops = matcher.get_opcodes()
    where = [-1] * len(h)
    for tag, i1, i2, j1, _j2 in ops:
        if tag == "equal":
            for k in range(i2 - i1):
                where[i1 + k] = j1 + k
    return where, ops


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _near(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos <= b for a, b in spans)


def _outcome(inj: Injection, h: str, c: str, where: list[int], named: bool, page_id: str) -> Outcome:
    """What the output holds at the injection's place: between the nearest characters of H
    around it that the output kept. The original word, when restored, is taken out first (the
    phrase may share a character with it: 真人视讯 and 人民政府); what remains of the phrase
    there is scored."""
    left = max((where[i] for i in range(inj.start) if where[i] >= 0), default=-1)
    right = min((where[i] for i in range(inj.end, len(h)) if where[i] >= 0), default=len(c))
    got = c[left + 1 : right]
    leftover = got.replace(inj.original, "", 1) if inj.original and inj.original in got else got
    phrase = inj.text
    kept = "".join(ch for ch in leftover if ch in phrase)
    m = difflib.SequenceMatcher(None, leftover, phrase, autojunk=False).find_longest_match(0, len(leftover), 0, len(phrase))
    run = leftover[m.a : m.a + m.size]
    restored = None
    if inj.original is not None and inj.evidence in ("capture", "site"):
        restored = got.strip() == inj.original
    return Outcome(
        inj=inj,
        page=page_id,
        removed=not _WORDY.search(kept),
        fragment=run if len(run.strip()) >= 2 else "",
        kept=kept,
        got=got,
        restored=restored,
        named=named,
    )


def _core(text: str) -> str:
    return _SEPS.sub("", text)


def _shares(a: str, b: str) -> bool:
    a, b = _core(a), _core(b)
    if not a or not b:
        return False
    need = max(2, min(4, len(a), len(b)))
    m = difflib.SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return m.size >= need


def _named(inj: Injection, findings: tuple) -> bool:
    """Listed by some finding of the page, as ``spam-report`` lists a page's phrases: a body
    finding overlapping the injection, or any finding whose text shares enough with the phrase
    (a partial removal such as 新濠 of 澳门新濠集团 names it too)."""
    for f in findings:
        if inj.field == "body" and f.field == "body" and f.start is not None and f.start < inj.end and inj.start < f.end:
            return True
        if _shares(inj.text, f.text):
            return True
    return False


def score_page(page: EvalPage, out: CleanOutput) -> PageResult:
    outcomes: list[Outcome] = []
    tallies: dict[str, FieldTally] = {}
    changed: list[str] = []
    lost: list[str] = []
    by_field: dict[str, list[Injection]] = defaultdict(list)
    for inj in page.injections:
        by_field[inj.field].append(inj)
    for name, h in page.served.items():
        c = out.fields.get(name, "")
        injs = by_field.get(name, [])
        if h == c and not injs:
            continue
        if h != c:
            changed.append(name)
        where, ops = _alignment(h, c)
        marked = page.marked.get(name, [])
        tally = tallies.setdefault(name, FieldTally())
        for inj in injs:
            outcomes.append(_outcome(inj, h, c, where, _named(inj, out.findings), page.id))
        for i, ch in enumerate(h):
            if where[i] < 0 and not ch.isspace():
                if _inside(i, marked):
                    tally.injected_removed += 1
                else:
                    tally.legit_lost += 1
        for tag, i1, i2, j1, j2 in ops:
            if tag in ("delete", "replace"):
                tally.spans += 1
                legit = "".join(h[i] for i in range(i1, i2) if not _inside(i, marked) and not h[i].isspace())
                if legit:
                    tally.wrong_spans += 1
                    lost.append(f"{name}: {legit[:40]!r} (from {h[max(0, i1 - 6):i2 + 6]!r})")
            if tag == "insert" and c[j1:j2].strip() and not _near(i1, marked):
                tally.spans += 1
                tally.wrong_spans += 1
                lost.append(f"{name}: inserted {c[j1:j2][:40]!r} at {h[max(0, i1 - 6):i1 + 6]!r}")
    return PageResult(page, outcomes, tallies, changed, lost)


def score(sites: Sequence[Site], outputs: dict[str, CleanOutput]) -> Result:
    result = Result(pages=[], cpu_ms_per_page=list(outputs.get("__cpu_ms__", [])))  # type: ignore[arg-type]
    for site in sites:
        for page in site.pages:
            out = outputs[page.id]
            result.render_mismatches += out.render_mismatch
            result.pages.append(score_page(page, out))
    return result


# ---------------------------------------------------------------- summaries


@dataclass
class KindRow:
    n: int = 0
    removed: int = 0
    fragments: int = 0
    named: int = 0
    restorable: int = 0
    restored: int = 0

    def add(self, o: Outcome) -> None:
        self.n += 1
        self.removed += o.removed
        self.fragments += bool(o.fragment)
        self.named += o.named
        if o.restored is not None:
            self.restorable += 1
            self.restored += o.restored

    @property
    def recall(self) -> float:
        return self.removed / self.n if self.n else 1.0

    @property
    def restoration(self) -> float | None:
        return self.restored / self.restorable if self.restorable else None


def rows_by(outcomes: list[Outcome], key: Callable[[Outcome], str]) -> dict[str, KindRow]:
    rows: dict[str, KindRow] = defaultdict(KindRow)
    for o in outcomes:
        rows[key(o)].add(o)
    return dict(sorted(rows.items()))


def precision(result: Result) -> tuple[float, float, int, int]:
    """(character precision, span precision, legit characters lost, wrong spans)."""
    removed = sum(t.injected_removed for p in result.pages for t in p.tallies.values())
    lost = sum(t.legit_lost for p in result.pages for t in p.tallies.values())
    spans = sum(t.spans for p in result.pages for t in p.tallies.values())
    wrong = sum(t.wrong_spans for p in result.pages for t in p.tallies.values())
    chars = removed / (removed + lost) if removed + lost else 1.0
    span_p = (spans - wrong) / spans if spans else 1.0
    return chars, span_p, lost, wrong


def totals(result: Result) -> dict[str, float]:
    total = KindRow()
    for o in result.outcomes:
        total.add(o)
    chars, spans, lost, wrong = precision(result)
    return {
        "injections": total.n,
        "recall": total.recall,
        "fragments": total.fragments,
        "named": total.named / total.n if total.n else 1.0,
        "restoration": total.restoration if total.restoration is not None else 1.0,
        "restorable": total.restorable,
        "precision_chars": chars,
        "precision_spans": spans,
        "legit_lost": lost,
        "wrong_spans": wrong,
    }


def meets_targets(result: Result) -> bool:
    t = totals(result)
    return (
        t["recall"] >= TARGETS["recall"]
        and min(t["precision_chars"], t["precision_spans"]) >= TARGETS["precision"]
        and t["restoration"] >= TARGETS["restoration"]
        and t["fragments"] <= TARGETS["fragments"]
    )


def _fmt_row(name: str, r: KindRow) -> str:
    rest = "-" if r.restoration is None else f"{r.restoration:.3f} ({r.restored}/{r.restorable})"
    return f"| {name} | {r.n} | {r.recall:.3f} ({r.removed}) | {r.fragments} | {rest} | {r.named / r.n if r.n else 1:.3f} |"


def table(title: str, rows: dict[str, KindRow], total: bool = True) -> str:
    lines = [
        f"| {title} | injections | removal recall | fragments | restoration (site shows the original) | named |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    lines += [_fmt_row(k, r) for k, r in rows.items()]
    if total:
        all_row = KindRow()
        for r in rows.values():
            for attr in ("n", "removed", "fragments", "named", "restorable", "restored"):
                setattr(all_row, attr, getattr(all_row, attr) + getattr(r, attr))
        lines.append(_fmt_row("**overall**", all_row))
    return "\n".join(lines)


def precision_table(result: Result) -> str:
    per: dict[str, FieldTally] = defaultdict(FieldTally)
    for p in result.pages:
        for name, t in p.tallies.items():
            key = "meta:*" if name.startswith("meta:") else name
            agg = per[key]
            agg.injected_removed += t.injected_removed
            agg.legit_lost += t.legit_lost
            agg.spans += t.spans
            agg.wrong_spans += t.wrong_spans
    lines = [
        "| field | injected chars removed | legit chars lost | precision (chars) | removal spans | wrong spans | precision (spans) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, t in sorted(per.items()):
        pc = t.injected_removed / (t.injected_removed + t.legit_lost) if t.injected_removed + t.legit_lost else 1.0
        ps = (t.spans - t.wrong_spans) / t.spans if t.spans else 1.0
        lines.append(f"| {name} | {t.injected_removed} | {t.legit_lost} | {pc:.4f} | {t.spans} | {t.wrong_spans} | {ps:.4f} |")
    chars, spans, lost, wrong = precision(result)
    lines.append(f"| **overall** | | {lost} | {chars:.4f} | | {wrong} | {spans:.4f} |")
    return "\n".join(lines)


def negatives_table(result: Result) -> str:
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for p in result.pages:
        if p.page.injections:
            continue
        row = per[p.page.negative or "plain"]
        row[0] += 1
        row[1] += bool(p.changed)
        row[2] += sum(t.legit_lost for t in p.tallies.values())
    lines = ["| negative pages | pages | pages with any change | legit chars lost |", "| --- | --- | --- | --- |"]
    tot = [0, 0, 0]
    for name, row in sorted(per.items()):
        lines.append(f"| {name} | {row[0]} | {row[1]} | {row[2]} |")
        tot = [a + b for a, b in zip(tot, row, strict=True)]
    lines.append(f"| **all** | {tot[0]} | {tot[1]} | {tot[2]} |")
    return "\n".join(lines)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


def problems(result: Result, limit: int | None = None) -> list[str]:
    """Misses, one line each: injections not removed, fragments, wrong restorations, legit loss."""
    lines = []
    for p in result.pages:
        for o in p.outcomes:
            inj = o.inj
            if not o.removed or o.fragment:
                lines.append(
                    f"MISS {inj.id} {inj.kind}/{inj.field} [{inj.shape}] {inj.text!r}: kept {o.kept!r}"
                    f"{' fragment ' + repr(o.fragment) if o.fragment else ''}{'' if o.named else ' (not named)'}"
                )
            elif o.restored is False:
                lines.append(f"RESTORE {inj.id} {inj.kind}/{inj.field} want {inj.original!r} got {o.got!r} ({inj.evidence})")
            elif not o.named:
                lines.append(f"UNNAMED {inj.id} {inj.kind}/{inj.field} {inj.text!r}")
        for text in p.lost:
            lines.append(f"LEGIT {p.page.id} ({p.page.negative or 'hacked'}) {text}")
    return lines[:limit] if limit else lines


def counts(sites: Sequence[Site]) -> dict[str, object]:
    pages = [p for s in sites for p in s.pages]
    injections = [i for p in pages for i in p.injections]
    return {
        "sites": len(sites),
        "pages": len(pages),
        "hacked pages": sum(bool(p.injections) for p in pages),
        "negative pages": sum(not p.injections for p in pages),
        "injections": len(injections),
        "distinct brands and terms": len({e for i in injections for e in i.entries}),
        "by kind": Counter(i.kind for i in injections),
        "by shape": Counter(i.shape for i in injections),
        "negatives by kind": Counter(p.negative for p in pages if not p.injections),
        "scenarios": Counter(s.scenario.split(":")[0] for s in sites),
        "templates": Counter(s.template for s in sites),
        "evidence": Counter(i.evidence for i in injections),
    }
