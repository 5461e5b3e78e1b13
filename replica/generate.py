"""Build the replica site: the seeded model (``replica.model``) rendered by one county's
templates (``renshou``, the default, ``qingxi`` or ``langang``) and written to disk (``replica.files``).

``build_site(out_dir)`` writes ``out_dir/site/``, ``manifest.json``, ``truth.jsonl`` and
``model.pickle``. All randomness is drawn while building the model; rendering is a pure function
of it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from replica.files import MANIFEST_FILE, MODEL_FILE, SITE_DIR, TRUTH_FILE, BuildSummary, Page, write_site
from replica.langang import render_langang
from replica.model import Site, build_model
from replica.qingxi import render_qingxi
from replica.renshou import render_site

DEFAULT_VARIANT = "renshou"
#: Each replica county and its page renderer; every one renders the same model.
RENDERERS: dict[str, Callable[[Site], list[Page]]] = {
    DEFAULT_VARIANT: render_site,
    "qingxi": render_qingxi,
    "langang": render_langang,
}
VARIANTS = tuple(RENDERERS)


class UnknownVariant(ValueError):
    """No replica variant by that name."""


def renderer(name: str) -> Callable[[Site], list[Page]]:
    """The page renderer of county variant ``name``."""
    try:
        return RENDERERS[name]
    except KeyError:
        raise UnknownVariant(f"no replica variant {name!r} (known: {', '.join(VARIANTS)})") from None


def build_site(out_dir: Path, *, scale: int = 1, seed: int = 2019, variant: str = DEFAULT_VARIANT) -> BuildSummary:
    """Generate the replica into ``out_dir`` (created if missing; an older build is replaced).

    ``variant`` picks the county's templates; the model (townships, reports, chains) is the same
    for every variant of one seed and scale.
    """
    render = renderer(variant)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in (MANIFEST_FILE, TRUTH_FILE, MODEL_FILE):
        (out_dir / name).unlink(missing_ok=True)
    if (out_dir / SITE_DIR).exists():
        shutil.rmtree(out_dir / SITE_DIR)
    return write_site(out_dir, build_model(scale=scale, seed=seed), render=render)
