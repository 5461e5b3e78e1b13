"""Spam cleaning for hacked government report pages (pure: no Scrapy, no SQL).

``clean_page(html, url=..., context=...) -> CleanResult`` removes injected spam and restores
replaced words; every change is a ``Finding`` (see ``docs/cleaning.md``).
"""

from pipelines.cleaning.clean import clean_page
from pipelines.cleaning.context import SiteContext
from pipelines.cleaning.lexicon import KNOWN_REPLACEMENTS, Lexicon, default_lexicon
from pipelines.cleaning.model import Action, CleanResult, Finding, FindingKind, apply_findings, findings_to_json
from pipelines.cleaning.site import SitePage, clean_site

__all__ = [
    "KNOWN_REPLACEMENTS",
    "Action",
    "CleanResult",
    "Finding",
    "FindingKind",
    "Lexicon",
    "SiteContext",
    "SitePage",
    "apply_findings",
    "clean_page",
    "clean_site",
    "default_lexicon",
    "findings_to_json",
]
