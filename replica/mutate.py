"""Between-run changes to a built replica, for nightly-crawl tests.

Each function loads the site model, changes one report, and re-renders the site in place
through :func:`replica.files.write_site`: only files whose bytes changed are
rewritten (they get a new Last-Modified from ``clock``), and the manifest and ground truth
are rewritten to match. A running :class:`~replica.server.ReplicaServer` picks the
changes up on its next request.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from replica.files import TRUTH_FILE, load_model, write_site
from replica.model import Article, Site
from replica.renshou import render_site
from replica.spam import BRANDS, DOMAINS, REPLACED_WORDS, Injection, SpamKind

Clock = Callable[[], datetime]

_ARTICLE_PATH = re.compile(r"/info/(\d+)/(\d+)\.htm$")
#: Metric ids ``edit_report`` can change, and the Figures attribute behind each.
EDITABLE = {
    "public_responses": "responses",
    "meetings": "meetings",
    "trainings": "trainings",
    "trainees": "trainees",
}
DEFAULT_SENTENCE = "下一步，将围绕群众关切持续完善公开目录，按季度更新公开内容，并及时公开整改落实情况。"


class ReplicaError(LookupError):
    """The path names no report article of the built site."""


def read_truth(out_dir: Path) -> dict[str, dict]:
    """Ground truth rows by path."""
    with (Path(out_dir) / TRUTH_FILE).open(encoding="utf-8") as fh:
        return {row["path"]: row for row in map(json.loads, fh)}


def _find(site: Site, path: str) -> Article:
    match = _ARTICLE_PATH.search(path)
    article = site.articles.get(int(match.group(2))) if match else None
    if article is None or article.column_id != int(match.group(1)):
        raise ReplicaError(f"{path}: not a report article of this replica (expected /info/<col>/<id>.htm)")
    return article


def edit_report(out_dir: Path, path: str, *, metric: str = "public_responses", delta: int = 1,
                sentence: str | None = DEFAULT_SENTENCE, clock: Clock | None = None) -> None:
    """Change one figure (``metric`` by ``delta``) and replace the closing paragraph."""
    if metric not in EDITABLE:
        raise ValueError(f"metric {metric!r} is not editable; choose one of {sorted(EDITABLE)}")
    site = load_model(out_dir)
    article = _find(site, path)
    attribute = EDITABLE[metric]
    setattr(article.figures, attribute, max(0, getattr(article.figures, attribute) + delta))
    if sentence is not None:
        article.options = dataclasses.replace(article.options, revision=sentence)
    write_site(out_dir, site, render=render_site, clock=clock)


def delete_report(out_dir: Path, path: str, *, clock: Clock | None = None) -> None:
    """Remove the report: it answers 404, leaves its listing, and its neighbours link past it."""
    site = load_model(out_dir)
    article = _find(site, path)
    site.columns[article.column_id].chain.remove(article.id)
    del site.articles[article.id]
    write_site(out_dir, site, render=render_site, clock=clock)


def unlist_report(out_dir: Path, path: str, *, clock: Clock | None = None) -> None:
    """Drop the report from its listing and its neighbours' 上一条/下一条; it is still served."""
    site = load_model(out_dir)
    article = _find(site, path)
    article.listed = False
    article.chained = False
    write_site(out_dir, site, render=render_site, clock=clock)


def inject_spam(out_dir: Path, path: str, *, kind: SpamKind | str = SpamKind.HIDDEN_LINKS,
                brand: str | None = None, word: str | None = None, style: int = 0,
                clock: Clock | None = None) -> None:
    """Add one injection of ``kind`` to the report (on top of any it already carries)."""
    site = load_model(out_dir)
    article = _find(site, path)
    kind = SpamKind(kind)
    if kind == SpamKind.WORD_SWAP and word is None:
        word = REPLACED_WORDS[0]
    brand = brand or BRANDS[(article.id + len(article.injections)) % len(BRANDS)]
    domain = DOMAINS[article.id % len(DOMAINS)]
    article.injections = [*article.injections, Injection(kind, brand, word, domain, style)]
    write_site(out_dir, site, render=render_site, clock=clock)
