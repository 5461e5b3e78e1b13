"""Copy-paste (雷同) detection: MinHash over character shingles, boilerplate discounted.

Each report's clean text is reduced to its fingerprint form (letters, CJK and digits; every number
``0``), the national template's phrases (``TEMPLATE_PHRASES``) are cut out, and the rest is cut
into character ``shingle``-grams and hashed (a vectorised rolling hash: deterministic across runs,
no ``hash()`` randomisation). Shingles found in at least ``max(min_df, max_df_share * N)`` reports
are boilerplate too (stock phrasing every county uses) and are dropped.
The rest get a one-permutation MinHash signature (16 bits x ``num_perm`` bins). Only the pairs that matter are
compared (the same township in another year, another township in the same year), and all of them
are: inside each year group and each township group the signatures are compared row against
block with numpy, so the nearest neighbours are the true nearest by MinHash estimate, with no LSH
misses (a year of 10,000 townships is ~10^8 pair estimates, seconds). Pairs whose estimate is
near ``threshold`` are rescored by the exact Jaccard similarity of their distinctive shingles,
and pairs at or above ``threshold`` come back with the passages they share.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from archive.diff.normalise import fingerprint, fingerprint_origins
from archive.diff.template import TEMPLATE_PHRASES

logger = logging.getLogger(__name__)

_PRIME = np.uint64(0x100000001B3)
_EMPTY = np.empty(0, dtype=np.uint64)


class Relation(StrEnum):
    OTHER_YEAR = "same_township_other_year"
    OTHER_TOWNSHIP = "same_year_other_township"


@dataclass(frozen=True, slots=True)
class SimilarDoc:
    key: int                     # report version id
    township: str | None
    year: int | None
    url: str
    text: str


@dataclass(frozen=True, slots=True)
class DocRef:
    key: int
    township: str | None
    year: int | None
    url: str


@dataclass(frozen=True, slots=True)
class Neighbour:
    doc: DocRef
    similarity: float
    relation: Relation
    flagged: bool
    shared_shingles: int | None  # None when only the MinHash estimate was computed


@dataclass(frozen=True, slots=True)
class SimilarPair:
    a: DocRef
    b: DocRef
    similarity: float
    relation: Relation
    shared_shingles: int         # distinctive shingles both contain (the evidence's mass)
    passages: tuple[str, ...]    # shared non-boilerplate passages, longest first (text of ``a``)


@dataclass(frozen=True, slots=True)
class SimilarResult:
    pairs: tuple[SimilarPair, ...]                               # flagged, most similar first
    neighbours: tuple[tuple[DocRef, tuple[Neighbour, ...]], ...]  # per subject report
    reports: int
    boilerplate_shingles: int
    compared: int                                                  # pairs with an estimate kept


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads rolling-hash values over all 64 bits."""
    with np.errstate(over="ignore"):
        h = (h ^ (h >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        h = (h ^ (h >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return h ^ (h >> np.uint64(31))


def shingle_hashes(fp: str, k: int) -> np.ndarray:
    """Hash of every k-character window of ``fp``, in position order (not unique)."""
    if len(fp) < k:
        return _EMPTY
    codes = np.frombuffer(fp.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = len(codes) - k + 1
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = h * _PRIME + codes[j:j + n]
    return _mix(h)


def template_pattern(phrases: Sequence[str], *, min_chars: int = 4) -> re.Pattern[str] | None:
    """One regex matching any template phrase in fingerprint form, longest first."""
    forms = sorted({fp for fp in (fingerprint(p) for p in phrases) if len(fp) >= min_chars},
                   key=lambda fp: (-len(fp), fp))
    return re.compile("|".join(map(re.escape, forms))) if forms else None


def shingle_set(text: str, k: int, template: re.Pattern[str] | None = None,
                names: Sequence[str] = ()) -> np.ndarray:
    """Sorted unique shingle hashes of ``text``, leaving out every shingle that touches a
    template phrase or one of ``names`` (the report's own township: every report of a township
    names it, so it is no evidence of copying)."""
    fp = fingerprint(text)
    hashes = shingle_hashes(fp, k)
    spans = [m.span() for m in template.finditer(fp)] if template is not None else []
    for name in filter(None, map(fingerprint, names)):
        at = fp.find(name)
        while at >= 0:
            spans.append((at, at + len(name)))
            at = fp.find(name, at + 1)
    if spans and len(hashes):
        edges = np.zeros(len(fp) + 1, dtype=np.int32)
        for start, end in spans:
            edges[start] += 1
            edges[end] -= 1
        inside = np.concatenate(([0], np.cumsum(np.cumsum(edges)[:len(fp)] > 0)))
        hashes = hashes[(inside[k:] - inside[:-k]) == 0]
    if not len(hashes):
        return _EMPTY
    hashes.sort()
    return hashes[np.concatenate(([True], hashes[1:] != hashes[:-1]))]


def _relation(a: SimilarDoc, b: SimilarDoc) -> Relation | None:
    same_township = a.township is not None and a.township == b.township
    same_year = a.year is not None and a.year == b.year
    if same_township and not same_year:
        return Relation.OTHER_YEAR
    if same_year and not same_township:
        return Relation.OTHER_TOWNSHIP
    return None


def _key(i: int, j: int) -> tuple[int, int]:
    return (i, j) if i < j else (j, i)


def _ref(doc: SimilarDoc) -> DocRef:
    return DocRef(doc.key, doc.township, doc.year, doc.url)


def find_similar(docs: Sequence[SimilarDoc], *, threshold: float = 0.25, shingle: int = 5,
                 num_perm: int = 128, max_df_share: float = 0.2,
                 min_df: int = 4, neighbours: int = 3, rescore_margin: float = 0.1,
                 template_phrases: Sequence[str] = TEMPLATE_PHRASES,
                 subject: Callable[[SimilarDoc], bool] | None = None,
                 max_passages: int = 5, min_passage: int = 10, min_shared: int = 80) -> SimilarResult:
    """Nearest neighbours of every report (or of those ``subject`` accepts) and the flagged pairs:
    similarity at least ``threshold`` over at least ``min_shared`` shared distinctive shingles (two
    reports whose only distinctive text is the same contact line are not evidence of copying)."""
    n_docs = len(docs)
    pattern = template_pattern(template_phrases)
    sets = [shingle_set(d.text, shingle, pattern, (d.township or "",)) for d in docs]
    if n_docs:
        values, counts = np.unique(np.concatenate(sets + [_EMPTY]), return_counts=True)
        boiler = values[counts >= max(min_df, int(np.ceil(max_df_share * n_docs)))]
    else:
        boiler = _EMPTY
    kept = [s[~np.isin(s, boiler, assume_unique=True)] if len(s) else s for s in sets]
    logger.debug("similar: %d reports, %d boilerplate shingles", n_docs, len(boiler))

    sigs = minhash_signatures(kept, num_perm=num_perm)
    has = np.array([len(k) > 0 for k in kept], dtype=bool)
    floor = threshold - rescore_margin
    estimates: dict[tuple[int, int], float] = {}
    for group, other in _groups(docs):
        for i, j, estimate in _group_estimates(group, other, sigs, has, floor=floor, keep=neighbours):
            estimates[(min(i, j), max(i, j))] = estimate
    scores: dict[tuple[int, int], float] = {}
    shared: dict[tuple[int, int], int] = {}
    for (i, j), estimate in estimates.items():
        if estimate >= floor:
            scores[(i, j)], shared[(i, j)] = overlap(kept[i], kept[j])
        else:
            scores[(i, j)] = estimate

    def flagged(pair: tuple[int, int]) -> bool:
        return scores[pair] >= threshold and shared.get(pair, 0) >= min_shared

    is_subject = [subject(d) if subject else True for d in docs]
    per_doc: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for (i, j), score in scores.items():
        per_doc[i].append((score, j))
        per_doc[j].append((score, i))
    neighbour_rows = []
    for i, doc in enumerate(docs):
        if not is_subject[i]:
            continue
        best = sorted(per_doc[i], key=lambda sj: (-sj[0], sj[1]))[:neighbours]
        neighbour_rows.append((_ref(doc), tuple(
            Neighbour(_ref(docs[j]), round(score, 4), _relation(doc, docs[j]), flagged(_key(i, j)),
                      shared.get(_key(i, j)))
            for score, j in best)))
    pairs = [
        SimilarPair(_ref(docs[i]), _ref(docs[j]), round(score, 4), _relation(docs[i], docs[j]),
                    shared[(i, j)],
                    shared_passages(docs[i].text, kept[i], kept[j], shingle=shingle,
                                    limit=max_passages, min_chars=min_passage))
        for (i, j), score in scores.items()
        if flagged((i, j)) and (is_subject[i] or is_subject[j])
    ]
    pairs.sort(key=lambda p: (-p.similarity, p.a.key, p.b.key))
    return SimilarResult(tuple(pairs), tuple(neighbour_rows), n_docs, len(boiler), len(estimates))


def overlap(a: np.ndarray, b: np.ndarray) -> tuple[float, int]:
    """(exact Jaccard similarity, size of the intersection) of two sorted unique hash arrays."""
    if not len(a) or not len(b):
        return 0.0, 0
    if len(a) > len(b):
        a, b = b, a
    at = np.searchsorted(b, a)
    at[at == len(b)] = 0
    inter = int(np.count_nonzero(b[at] == a))
    return inter / (len(a) + len(b) - inter), inter


def minhash_signatures(sets: Sequence[np.ndarray], *, num_perm: int = 128) -> np.ndarray:
    """One-permutation MinHash with rotation densification, kept to 16 bits per bin.

    The shingle hashes are already uniform 64-bit values, so their top bits pick one of
    ``num_perm`` bins (a power of two) and each bin keeps its minimum: one pass per report instead
    of ``num_perm`` hash functions. In a sorted set the first element of each bin is its minimum.
    An empty bin borrows the next filled bin's value, offset by the distance. Rows of empty sets
    are 0 (callers skip them).
    """
    bits = num_perm.bit_length() - 1
    if 1 << bits != num_perm:
        raise ValueError(f"num_perm must be a power of two, got {num_perm}")
    shift = np.uint64(64 - bits)
    bins = np.arange(num_perm)
    starts = bins.astype(np.uint64) << shift
    sigs = np.zeros((len(sets), num_perm), dtype=np.uint16)
    for i, s in enumerate(sets):
        if not len(s):
            continue
        at = np.searchsorted(s, starts)
        values = s[np.minimum(at, len(s) - 1)]
        filled = (at < len(s)) & ((values >> shift).astype(np.int64) == bins)
        low = (values & np.uint64(0xFFFF)).astype(np.int64)
        if not filled.all():
            full = np.nonzero(filled)[0]
            source = full[np.searchsorted(full, bins) % len(full)]
            low = low[source] + ((source - bins) % num_perm) * 0x9E37
        sigs[i] = (low & 0xFFFF).astype(np.uint16)
    return sigs


def _groups(docs: Sequence[SimilarDoc]):
    """(doc indices, the attribute that must differ inside the group) per comparison group:
    one group per year (other townships) and one per township (other years)."""
    by_year: dict[int, list[int]] = defaultdict(list)
    by_township: dict[str, list[int]] = defaultdict(list)
    for i, doc in enumerate(docs):
        if doc.year is not None:
            by_year[doc.year].append(i)
        if doc.township is not None:
            by_township[doc.township].append(i)
    for members in by_year.values():
        if len(members) > 1:
            yield members, [docs[i].township for i in members]
    for members in by_township.values():
        if len(members) > 1:
            yield members, [docs[i].year for i in members]


def _group_estimates(group: list[int], other: list, sigs: np.ndarray, has: np.ndarray, *,
                     floor: float, keep: int):
    """MinHash estimates inside one group: every pair at or above ``floor`` and each report's
    ``keep`` best, skipping pairs that agree on ``other`` (the same report filed twice)."""
    block = sigs[group]
    valid = has[group]
    codes = np.unique(np.array([str(o) for o in other]), return_inverse=True)[1]
    unknown = np.array([o is None for o in other], dtype=bool)
    for r, i in enumerate(group):
        if not valid[r] or unknown[r]:
            continue
        est = (block == block[r]).mean(axis=1)
        est[~valid | unknown | (codes == codes[r])] = -1.0
        picks = set(np.nonzero(est >= floor)[0].tolist())
        if keep and len(est) > keep:
            picks.update(np.argpartition(-est, keep)[:keep].tolist())
        elif keep:
            picks.update(range(len(est)))
        for p in picks:
            if est[p] >= 0:
                yield i, group[p], float(est[p])


def shared_passages(text: str, mine: np.ndarray, theirs: np.ndarray, *, shingle: int,
                    limit: int = 5, min_chars: int = 10) -> tuple[str, ...]:
    """Runs of ``text`` covered by distinctive shingles both reports contain, longest first."""
    fp, origin = fingerprint_origins(text)
    hashes = shingle_hashes(fp, shingle)     # straddling shingles are simply never in ``shared``
    if not len(hashes):
        return ()
    shared = np.intersect1d(mine, theirs, assume_unique=True)
    hit = np.isin(hashes, shared)
    covered = np.zeros(len(fp) + 1, dtype=np.int32)
    starts = np.nonzero(hit)[0]
    np.add.at(covered, starts, 1)
    np.add.at(covered, starts + shingle, -1)
    inside = np.cumsum(covered)[:len(fp)] > 0
    runs: list[tuple[int, int]] = []
    start = None
    for pos, flag in enumerate(inside.tolist() + [False]):
        if flag and start is None:
            start = pos
        elif not flag and start is not None:
            if pos - start >= min_chars:
                runs.append((start, pos))
            start = None
    runs.sort(key=lambda r: (r[0] - r[1], r[0]))
    out = []
    for begin, end in runs[:limit]:
        last = origin[end - 1]
        while last + 1 < len(text) and text[last + 1].isdigit():
            last += 1
        out.append(text[origin[begin]:last + 1])
    return tuple(out)
