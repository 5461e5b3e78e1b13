"""The one table between the replica's names for its injections and the cleaner's finding kinds.

The replica describes how it hacked a page (``replica.spam.SpamKind``); the cleaner says what it
found (``pipelines.cleaning.FindingKind``). Neither imports the other's vocabulary: tests that
compare the replica's ground truth with the cleaner's findings translate through this table.
"""

from __future__ import annotations

from pipelines.cleaning import FindingKind
from replica.spam import SpamKind

FINDING_KIND: dict[SpamKind, FindingKind] = {
    SpamKind.BRAND_BANNER: FindingKind.BANNER,
    SpamKind.WORD_SWAP: FindingKind.REPLACED_WORD,
    SpamKind.TITLE_PREFIX: FindingKind.TITLE_SPAM,
    SpamKind.META_TAGS: FindingKind.META_SPAM,
    SpamKind.SOURCE_FIELD: FindingKind.SOURCE_SPAM,
    SpamKind.HIDDEN_LINKS: FindingKind.HIDDEN_BLOCK,
    SpamKind.SCRIPT_LINK: FindingKind.SCRIPT_LINK,
    SpamKind.HIDDEN_FRAME: FindingKind.IFRAME,
    SpamKind.PINYIN_GLOSS: FindingKind.PINYIN,
    SpamKind.TRADITIONAL_SCRIPT: FindingKind.TRADITIONAL,
}
#: Injections outside the body text: their phrase is judged on the page's title and meta tags.
OUTSIDE_BODY = frozenset((FindingKind.TITLE_SPAM, FindingKind.META_SPAM))


def finding_kind(replica_kind: str) -> FindingKind:
    """The cleaner's kind for one ground-truth ``spam`` record's ``kind``."""
    return FINDING_KIND[SpamKind(replica_kind)]
