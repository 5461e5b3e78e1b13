"""The site-wide infection report: which pages carry injected spam, of what kinds, which phrases,
and from which capture to which capture the injection was seen. A hacked government site is news
in itself; this is the evidence table (``gongkai spam-report``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from archive.clock import iso_utc
from archive.sql import queries
from archive.sql.engine import Session
from archive.sql.models import SUSPECTED

#: Findings whose text is markup (a removed element): shown as a short tag, not ranked as phrases.
MARKUP_KINDS = ("hidden_block", "script_link", "iframe")
#: Kinds whose text is an injected phrase (ranked); pinyin and traditional-character findings are
#: conversions of the page's own words and are counted per page, not ranked as phrases.
PHRASE_KINDS = ("banner", "replaced_word", "title_spam", "meta_spam", "source_spam")
PHRASE_LENGTH = 40


@dataclass(slots=True)
class PageInfection:
    url: str
    infected: bool
    kinds: list[str]
    phrases: list[str]
    findings: int
    suspected: list[str]  # spans the cleaner suspects but left in place, with their signals
    first_seen: str | None  # capture time of the first version that carried spam
    last_seen: str | None  # last capture that saw a version with spam
    first_capture_id: int | None
    last_capture_id: int | None


@dataclass(slots=True)
class SpamReport:
    pages: list[PageInfection] = field(default_factory=list)
    pages_crawled: int = 0
    pages_infected: int = 0
    pages_suspected: int = 0  # pages with a suspected span (whether or not also infected)
    phrases: list[tuple[str, int, int]] = field(default_factory=list)  # phrase, findings, pages
    suspects: list[tuple[str, int, int]] = field(default_factory=list)  # suspected span, findings, pages


def spam_report(session: Session) -> SpamReport:
    """Build the report from every version of every report page."""
    report = SpamReport()
    phrase_findings: Counter = Counter()
    phrase_pages: Counter = Counter()
    suspect_findings: Counter = Counter()
    suspect_pages: Counter = Counter()
    for page in queries.report_pages(session):
        if not page.versions:
            continue
        report.pages_crawled += 1
        latest = page.versions[-1]
        acted = [f for f in latest.findings if f.action != SUSPECTED]
        suspected = [f for f in latest.findings if f.action == SUSPECTED]
        spammed = [v for v in page.versions if any(f.action != SUSPECTED for f in v.findings)]
        kinds = sorted({f.kind for f in acted})
        phrases = sorted({_phrase(f.kind, f.text) for f in acted})
        first = last = None
        if spammed:
            first = queries.capture_by_id(session, spammed[0].capture_id)
            last = queries.capture_by_id(session, spammed[-1].last_capture_id)
        entry = PageInfection(
            url=page.url,
            infected=bool(acted),
            kinds=kinds,
            phrases=phrases,
            findings=len(acted),
            suspected=sorted({f"{_phrase(f.kind, f.text)} ({f.signal})" for f in suspected}),
            first_seen=iso_utc(first.fetched_at) if first else None,
            last_seen=iso_utc(last.fetched_at) if last else None,
            first_capture_id=first.id if first else None,
            last_capture_id=last.id if last else None,
        )
        if entry.infected or spammed or suspected:
            report.pages.append(entry)
        if entry.infected:
            report.pages_infected += 1
            for finding in acted:
                if finding.kind in PHRASE_KINDS:
                    phrase_findings[finding.text] += 1
            for phrase in {f.text for f in acted if f.kind in PHRASE_KINDS}:
                phrase_pages[phrase] += 1
        if suspected:
            report.pages_suspected += 1
            suspect_findings.update(f.text for f in suspected)
            suspect_pages.update({f.text for f in suspected})
    report.phrases = [(p, n, phrase_pages[p]) for p, n in phrase_findings.most_common()]
    report.suspects = [(p, n, suspect_pages[p]) for p, n in suspect_findings.most_common()]
    return report


def as_json(report: SpamReport) -> dict[str, Any]:
    """The report as one JSON object: site totals, phrases by findings, infected pages."""
    return {
        "pages_crawled": report.pages_crawled,
        "pages_infected": report.pages_infected,
        "pages_suspected": report.pages_suspected,
        "phrases": [{"phrase": p, "findings": n, "pages": k} for p, n, k in report.phrases],
        "suspected": [{"text": p, "findings": n, "pages": k} for p, n, k in report.suspects],
        "pages": [asdict(p) for p in report.pages],
    }


#: Columns of the report's table form (one row per page that carries or carried spam).
PAGE_COLUMNS = ("url", "infected", "kinds", "phrases", "findings", "suspected", "first_seen", "last_seen",
                "first_capture_id", "last_capture_id")


def page_rows(report: SpamReport) -> list[dict[str, Any]]:
    """One row per page, ``PAGE_COLUMNS``; kinds and phrases joined by ``;``."""
    return [
        {"url": p.url, "infected": p.infected, "kinds": ";".join(p.kinds), "phrases": ";".join(p.phrases),
         "findings": p.findings, "suspected": ";".join(p.suspected), "first_seen": p.first_seen, "last_seen": p.last_seen,
         "first_capture_id": p.first_capture_id, "last_capture_id": p.last_capture_id}
        for p in report.pages
    ]


def _phrase(kind: str, text: str) -> str:
    if kind in MARKUP_KINDS:
        return f"<{kind}>"
    return text if len(text) <= PHRASE_LENGTH else text[: PHRASE_LENGTH - 1] + "…"
