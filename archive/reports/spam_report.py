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
    first_seen: str | None  # capture time of the first version that carried spam
    last_seen: str | None  # last capture that saw a version with spam
    first_capture_id: int | None
    last_capture_id: int | None


@dataclass(slots=True)
class SpamReport:
    pages: list[PageInfection] = field(default_factory=list)
    pages_crawled: int = 0
    pages_infected: int = 0
    phrases: list[tuple[str, int, int]] = field(default_factory=list)  # phrase, findings, pages


def spam_report(session: Session) -> SpamReport:
    """Build the report from every version of every report page."""
    report = SpamReport()
    phrase_findings: Counter = Counter()
    phrase_pages: Counter = Counter()
    for page in queries.report_pages(session):
        if not page.versions:
            continue
        report.pages_crawled += 1
        latest = page.versions[-1]
        spammed = [v for v in page.versions if v.findings]
        kinds = sorted({f.kind for f in latest.findings})
        phrases = sorted({_phrase(f.kind, f.text) for f in latest.findings})
        first = last = None
        if spammed:
            first = queries.capture_by_id(session, spammed[0].capture_id)
            last = queries.capture_by_id(session, spammed[-1].last_capture_id)
        entry = PageInfection(
            url=page.url,
            infected=bool(latest.findings),
            kinds=kinds,
            phrases=phrases,
            findings=len(latest.findings),
            first_seen=iso_utc(first.fetched_at) if first else None,
            last_seen=iso_utc(last.fetched_at) if last else None,
            first_capture_id=first.id if first else None,
            last_capture_id=last.id if last else None,
        )
        if entry.infected or spammed:
            report.pages.append(entry)
        if entry.infected:
            report.pages_infected += 1
            for finding in latest.findings:
                if finding.kind in PHRASE_KINDS:
                    phrase_findings[finding.text] += 1
            for phrase in {f.text for f in latest.findings if f.kind in PHRASE_KINDS}:
                phrase_pages[phrase] += 1
    report.phrases = [(p, n, phrase_pages[p]) for p, n in phrase_findings.most_common()]
    return report


def as_json(report: SpamReport) -> dict[str, Any]:
    """The report as one JSON object: site totals, phrases by findings, infected pages."""
    return {
        "pages_crawled": report.pages_crawled,
        "pages_infected": report.pages_infected,
        "phrases": [{"phrase": p, "findings": n, "pages": k} for p, n, k in report.phrases],
        "pages": [asdict(p) for p in report.pages],
    }


#: Columns of the report's table form (one row per page that carries or carried spam).
PAGE_COLUMNS = ("url", "infected", "kinds", "phrases", "findings", "first_seen", "last_seen",
                "first_capture_id", "last_capture_id")


def page_rows(report: SpamReport) -> list[dict[str, Any]]:
    """One row per page, ``PAGE_COLUMNS``; kinds and phrases joined by ``;``."""
    return [
        {"url": p.url, "infected": p.infected, "kinds": ";".join(p.kinds), "phrases": ";".join(p.phrases),
         "findings": p.findings, "first_seen": p.first_seen, "last_seen": p.last_seen,
         "first_capture_id": p.first_capture_id, "last_capture_id": p.last_capture_id}
        for p in report.pages
    ]


def _phrase(kind: str, text: str) -> str:
    if kind in MARKUP_KINDS:
        return f"<{kind}>"
    return text if len(text) <= PHRASE_LENGTH else text[: PHRASE_LENGTH - 1] + "…"
