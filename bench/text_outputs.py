"""Everything the HTML-to-text rendering decides, over many pages, for before/after comparisons.

Usage::

    bench/text_outputs.py dump OUT.pickle [--scales 1 2 3]
    bench/text_outputs.py compare BEFORE.pickle AFTER.pickle

``dump`` builds the replica at each scale (the Renshou templates) and the Qingxi variant, adds
every HTML page of ``tests/fixtures``, and records for each page: ``body_text`` of the page, the
``CleanResult`` of ``clean_page`` without a site context and with the site's context (raw text,
clean text, clean HTML, findings) and the ``Extraction`` of the cleaned page. ``compare`` says
which pages differ in which output; it exits 0 when none does. A change to how pages become
text must leave every output byte for byte the same (issue 17: one walker for cleaning,
extraction and raw_text).
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipelines.cleaning import SiteContext, clean_page  # noqa: E402
from pipelines.extract import extract_report  # noqa: E402
from pipelines.text import body_text  # noqa: E402
from replica.generate import build_site  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"


def replica_pages(out: Path, *, scale: int, variant: str) -> list[tuple[str, str, str | None]]:
    """(name, html, column name) of every report article of a freshly built replica."""
    build_site(out, scale=scale, variant=variant)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    pages = []
    for line in (out / "truth.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["kind"] != "article":
            continue
        html = (out / "site" / manifest[row["path"]]["file"]).read_bytes().decode(row["encoding"])
        pages.append((f"{variant}-{scale}:{row['path']}", html, None))
    return pages


def fixture_pages() -> list[tuple[str, str, str | None]]:
    pages = []
    for path in sorted(FIXTURES.rglob("*.htm*")):
        raw = path.read_bytes()
        for encoding in ("utf-8", "gb18030"):
            try:
                html = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        pages.append((f"fixture:{path.relative_to(FIXTURES)}", html, None))
    return pages


def outputs(name: str, html: str, column: str | None, context: SiteContext) -> dict:
    url = "http://127.0.0.1:8000/" + name.split(":", 1)[1].lstrip("/")
    result = {"body_text": body_text(html)}
    for label, ctx in (("alone", None), ("site", context)):
        cleaned = clean_page(html, url=url, context=ctx)
        result[f"clean/{label}"] = (cleaned.raw_text, cleaned.clean_text, cleaned.clean_html, cleaned.findings)
        result[f"extract/{label}"] = extract_report(cleaned.clean_html, url=url, column_name=column)
    return result


def dump(target: Path, scales: list[int]) -> None:
    pages = fixture_pages()
    with tempfile.TemporaryDirectory(prefix="gongkai-text-") as tmp:
        for scale in scales:
            pages += replica_pages(Path(tmp) / f"renshou-{scale}", scale=scale, variant="renshou")
        pages += replica_pages(Path(tmp) / "qingxi-1", scale=1, variant="qingxi")
    texts = [body_text(html) for name, html, _ in pages if not name.startswith("fixture:")]
    context = SiteContext.from_texts(texts)
    began = time.process_time()
    results = {name: outputs(name, html, column, context) for name, html, column in pages}
    seconds = time.process_time() - began
    with open(target, "wb") as fh:
        pickle.dump(results, fh, protocol=pickle.HIGHEST_PROTOCOL)
    print(f"{len(results)} pages ({sum(n.startswith('fixture:') for n in results)} fixtures): "
          f"{seconds:.1f} s of CPU for body_text, clean_page x2 and extract_report x2 -> {target}")


def compare(before: Path, after: Path) -> int:
    with open(before, "rb") as fh:
        a = pickle.load(fh)
    with open(after, "rb") as fh:
        b = pickle.load(fh)
    if set(a) != set(b):
        print(f"different pages: {len(set(a) ^ set(b))} only on one side")
        return 1
    differing = 0
    for name in sorted(a):
        fields = [k for k in a[name] if a[name][k] != b[name].get(k)]
        if fields:
            differing += 1
            if differing <= 20:
                print(f"DIFFERENT {name}: {', '.join(fields)}")
    outputs_compared = sum(len(v) for v in a.values())
    print(f"{len(a)} pages, {outputs_compared} outputs compared: "
          + ("all the same" if not differing else f"{differing} page(s) differ"))
    return 1 if differing else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    d = commands.add_parser("dump")
    d.add_argument("target", type=Path)
    d.add_argument("--scales", type=int, nargs="+", default=[1, 2, 3])
    c = commands.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "dump":
        dump(args.target, args.scales)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
