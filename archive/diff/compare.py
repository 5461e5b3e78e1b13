"""Statistics diff through the concordance: one row per concept either report states.

Each report's figures are read with its own template's measure of the concept (a prose count, a
table cell, or a sum of cells), and the row says whether the two compare (``comparable``), are
measured otherwise (``changed_definition``), exist only in the newer template (``new``) or only in
the older one (``dropped``), or were left unstated by one report (``one_side``). Figures that no
concept of the two templates reads (an id the catalogue does not know) still get a row, joined on
their id. Pure: no SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from archive.diff.model import Comparison, Presence, StatChange, StatValue
from archive.diff.stats import by_metric
from archive.metrics.catalogue import Lang, label
from archive.metrics.catalogue import metric as catalogue_entry
from archive.metrics.concordance import COMPARABLE, CONCORDANCE, Concept, measure_value, notes, relation


def compare_statistics(a: Iterable[StatValue], b: Iterable[StatValue], *, from_template: str | None,
                       to_template: str | None, aliases: Mapping[str, str] | None = None,
                       concordance: Sequence[Concept] = CONCORDANCE) -> tuple[StatChange, ...]:
    """Rows in concordance order (section by section), then figures no concept reads."""
    left, right = by_metric(a, aliases), by_metric(b, aliases)
    from_template = from_template or to_template      # a report without figures has no template
    to_template = to_template or from_template
    lvalues = {m: v.value for m, v in left.items()}
    rvalues = {m: v.value for m, v in right.items()}
    rows: list[StatChange] = []
    read: set[str] = set()
    seen: set[tuple] = set()
    for concept in concordance:
        ma, mb = concept.measure(from_template), concept.measure(to_template)
        xa = measure_value(ma, lvalues) if ma else None
        xb = measure_value(mb, rvalues) if mb else None
        if xa is None and xb is None:
            continue
        key = (xa[1] if xa else None, xb[1] if xb else None)
        if key in seen:             # two concepts read the same figures (prose lawsuits): one row
            continue
        seen.add(key)
        read.update(xa[1] if xa else ())
        read.update(xb[1] if xb else ())
        rel = relation(concept, from_template, to_template)
        if xa and xb:
            comparison = Comparison.COMPARABLE if rel in COMPARABLE else Comparison.CHANGED_DEFINITION
        elif xa:
            comparison = Comparison.DROPPED if mb is None else Comparison.ONE_SIDE
        else:
            comparison = Comparison.NEW if ma is None else Comparison.ONE_SIDE
        note_zh, note_en = notes(concept, from_template, to_template) if xa and xb else ("", "")
        stated = left.get(xa[1][0]) if xa else right.get(xb[1][0])
        # named as the report it is read from words it, when that is one figure
        side, template = (xb[1], to_template) if xb else (xa[1], from_template)
        names = (label(side[0], Lang.ZH, template), label(side[0], Lang.EN, template)) if len(side) == 1 else None
        rows.append(_row(concept.id, xa[0] if xa else None, xb[0] if xb else None,
                         stated.unit if stated else None, names=names,
                         comparison=comparison, relation=rel.value if rel and xa and xb else None,
                         from_metrics=xa[1] if xa else (), to_metrics=xb[1] if xb else (),
                         from_wording=ma.wording if ma else "", to_wording=mb.wording if mb else "",
                         note_zh=note_zh, note_en=note_en))
    order = list(left) + [m for m in right if m not in left]
    for metric in order:
        if metric in read:
            continue
        x, y = left.get(metric), right.get(metric)
        rows.append(_row(metric, x.value if x else None, y.value if y else None, (y or x).unit,
                         comparison=Comparison.COMPARABLE if x and y else Comparison.ONE_SIDE,
                         relation="same" if x and y else None,
                         from_metrics=(metric,) if x else (), to_metrics=(metric,) if y else ()))
    return tuple(rows)


def _row(concept_id: str, x: float | None, y: float | None, stated_unit: str | None, *,
         names: tuple[str, str] | None = None, **extra) -> StatChange:
    entry = catalogue_entry(concept_id)
    if names is None:
        names = (entry.label_zh, entry.label_en) if entry else (concept_id, concept_id)
    both = x is not None and y is not None
    delta = _number(y - x) if both else None
    return StatChange(
        metric=concept_id,
        from_value=_number(x) if x is not None else None,
        to_value=_number(y) if y is not None else None,
        delta=delta,
        pct=None if not both or x == 0 else round(100.0 * (y - x) / x, 2),
        unit=(entry.unit if entry else None) or stated_unit,
        presence=Presence.BOTH if both else Presence.FROM_ONLY if x is not None else Presence.TO_ONLY,
        label_zh=names[0],
        label_en=names[1],
        section=entry.section if entry else "",
        **extra,
    )


def _number(value: float) -> float:
    """Integral floats come back as ints so 606.0 prints and serialises as 606."""
    return int(value) if float(value).is_integer() else value
