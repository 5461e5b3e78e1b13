"""Statistics diff: one row per metric present in either report.

Metric ids are the stable ids of ``pipelines.extract`` (mapped across the 2016-2018 prose, the
2019 trial and the 2021 revised templates), so joining on the id is joining across templates.
``aliases`` maps any further old id to its current one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from archive.diff.model import Presence, StatChange, StatValue


def by_metric(values: Iterable[StatValue], aliases: Mapping[str, str] | None = None) -> dict[str, StatValue]:
    """First value per metric (a report states a figure once; later repeats are quotations)."""
    out: dict[str, StatValue] = {}
    for value in values:
        metric = (aliases or {}).get(value.metric, value.metric)
        out.setdefault(metric, value)
    return out


def diff_statistics(a: Iterable[StatValue], b: Iterable[StatValue], *,
                    aliases: Mapping[str, str] | None = None) -> tuple[StatChange, ...]:
    """Metrics in both reports first (in report order), then those only in ``a``, then only in ``b``."""
    left, right = by_metric(a, aliases), by_metric(b, aliases)
    order = list(left) + [m for m in right if m not in left]
    rows = []
    for metric in order:
        x, y = left.get(metric), right.get(metric)
        if x is not None and y is not None:
            delta = y.value - x.value
            pct = None if x.value == 0 else round(100.0 * delta / x.value, 2)
            presence = Presence.BOTH
        else:
            delta = pct = None
            presence = Presence.FROM_ONLY if y is None else Presence.TO_ONLY
        rows.append(StatChange(
            metric=metric,
            from_value=_number(x.value) if x else None,
            to_value=_number(y.value) if y else None,
            delta=_number(delta) if delta is not None else None,
            pct=pct,
            unit=(y or x).unit if (y or x) else None,
            presence=presence,
        ))
    rank = {Presence.BOTH: 0, Presence.FROM_ONLY: 1, Presence.TO_ONLY: 2}
    return tuple(sorted(rows, key=lambda row: rank[row.presence]))   # stable: report order kept


def _number(value: float) -> float:
    """Integral floats come back as ints so 606.0 prints and serialises as 606."""
    return int(value) if float(value).is_integer() else value
