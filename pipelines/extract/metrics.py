"""The metric ids the extractor emits: the one table lives in ``archive.metrics.catalogue``
(ids, units, source wording, templates, section and the Chinese / English labels), so the diff,
trends and dossier pages, which may not import ``pipelines``, label the same ids the same way.

docs/extraction.md prints the ids; a test checks that every id the extractor can emit is listed
there and has labels.
"""

from __future__ import annotations

from archive.metrics.catalogue import (
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    METRICS,
    REVIEW_GROUPS,
    REVIEW_RESULTS,
    Metric,
    P,
    R,
    T,
    unit_of,
)

__all__ = ["APPLICANT_COLUMNS", "APPLICATION_ROWS", "METRICS", "REVIEW_GROUPS", "REVIEW_RESULTS", "Metric",
           "P", "R", "T", "unit_of"]
