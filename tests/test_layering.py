"""The structure of the house, measured from the code's imports (docs/design.md, "The map").

Every module of the five packages is parsed (not imported) and each of its imports, at the top or
inside a function, is checked against the rules: dependencies run one way, gongkai -> crawler ->
pipelines -> archive; the replica stands apart; SQLAlchemy is imported only in archive/sql/, click
and rich only in gongkai/, Scrapy nowhere in archive/; the pure cores import no framework (in
archive/diff/ only ``load`` and ``api`` read SQL); the metric vocabulary (archive/metrics/) imports
nothing but the standard library; and no two modules import each other, however indirectly.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("gongkai", "crawler", "pipelines", "archive", "replica")

#: Which of the project's packages each package may import (itself always).
MAY_IMPORT = {
    "gongkai": {"crawler", "pipelines", "archive", "replica"},
    "crawler": {"pipelines", "archive"},
    "pipelines": {"archive"},
    "archive": set(),
    "replica": {"pipelines"},
}
#: The replica's ground truth states the clean text a page's body renders to, by the documented
#: raw_text contract (docs/design.md, pipelines.text); that module alone, never the cleaner,
#: the extractor or the archive. Its injections are named in its own words (replica.spam.SpamKind).
REPLICA_MAY_IMPORT = {"pipelines.text"}
#: Third-party libraries and the only places that may import them.
LIBRARIES_ONLY_IN = {
    "sqlalchemy": ("archive.sql",),
    "alembic": ("archive.sql",),
    "click": ("gongkai",),
    "rich": ("gongkai",),
    "scrapy": ("gongkai", "crawler", "pipelines.store"),
    "twisted": ("gongkai", "crawler"),
    "scrapy_redis": ("crawler.distributed",),
    "redis": ("crawler.distributed",),
}
#: Pure cores: plain functions over text and values, no framework, no storage.
PURE = (
    "pipelines.text", "pipelines.container", "pipelines.cleaning", "pipelines.extract", "archive.metrics",
    "archive.search.query", "archive.search.hits", "archive.diff.core", "archive.diff.model",
    "archive.diff.stats", "archive.diff.compare", "archive.diff.trends", "archive.diff.dossier",
    "archive.diff.text", "archive.diff.normalise", "archive.diff.similar", "archive.diff.template",
    "archive.diff.svg", "archive.diff.html", "archive.diff.i18n", "archive.diff.render_html",
    "archive.diff.render_trends", "archive.diff.render_dossier", "archive.diff.render_text",
    "archive.diff.render_data",
)
PURE_MAY_IMPORT = {"pipelines", "archive.clock", "archive.search", "archive.diff", "archive.metrics"}
#: The metric vocabulary (ids, labels, sections, the concordance of templates) is pure data that
#: both the extractor and the diff pages read: it imports nothing but itself and the standard library.
VOCABULARY = "archive.metrics"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[module_name(path)] = path
    return found


@cache
def imports(module: str) -> tuple[tuple[str, int], ...]:
    """(imported module, line) for every import in ``module``, resolved to the deepest known
    module (``from archive.sql import crawls`` -> ``archive.sql.crawls``)."""
    tree = ast.parse(modules()[module].read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.append((candidate if candidate in modules() else node.module, node.lineno))
    return tuple(found)


def within(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def violations(rule) -> list[str]:
    found = []
    for module in modules():
        for target, line in imports(module):
            problem = rule(module, target)
            if problem:
                found.append(f"{modules()[module].relative_to(ROOT)}:{line}: {module} imports {target} ({problem})")
    return found


def test_the_five_packages_are_found():
    assert {name.split(".")[0] for name in modules()} == set(PACKAGES)
    assert len(modules()) > 100


def test_dependencies_run_one_way():
    def rule(module, target):
        source, top = module.split(".")[0], target.split(".")[0]
        if top not in PACKAGES or top == source:
            return None
        if source == "replica":
            return None if within(target, REPLICA_MAY_IMPORT) else "the replica imports only pipelines.text"
        return None if top in MAY_IMPORT[source] else f"{source} may import only {sorted(MAY_IMPORT[source])}"

    assert violations(rule) == []


@pytest.mark.parametrize("library", sorted(LIBRARIES_ONLY_IN))
def test_libraries_stay_in_their_rooms(library):
    allowed = LIBRARIES_ONLY_IN[library]

    def rule(module, target):
        if within(target, (library,)) and not within(module, allowed):
            return f"{library} belongs in {', '.join(allowed)}"
        return None

    assert violations(rule) == []


def test_pure_cores_import_no_framework_and_no_storage():
    def rule(module, target):
        if not within(module, PURE):
            return None
        top = target.split(".")[0]
        if top in PACKAGES and not within(target, PURE_MAY_IMPORT):
            return "a pure core imports only other pure code"
        if within(target, ("sqlalchemy", "scrapy", "twisted", "click", "rich", "archive.sql", "archive.warc")):
            return "a pure core imports no framework and no storage"
        return None

    assert violations(rule) == []


def test_the_metric_vocabulary_imports_nothing():
    def rule(module, target):
        if not within(module, (VOCABULARY,)) or within(target, (VOCABULARY, "__future__")):
            return None
        if target.split(".")[0] in sys.stdlib_module_names and target.split(".")[0] not in PACKAGES:
            return None
        return "the metric vocabulary imports nothing but the standard library"

    assert violations(rule) == []


def test_diff_reads_sql_only_through_load_and_api():
    """Every module of archive.diff but ``load`` and ``api`` is a pure core (docs/design.md)."""
    diff = {m for m in modules() if within(m, ("archive.diff",))} - {"archive.diff"}
    assert diff - set(PURE) == {"archive.diff.load", "archive.diff.api"}


def test_no_import_cycles():
    graph = defaultdict(set)
    for module in modules():
        for target, _ in imports(module):
            if target in modules() and target != module:
                graph[module].add(target)
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(node):  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in list(modules()):
        if module not in index:
            visit(module)
    assert cycles == []


def test_no_module_over_500_lines():
    long = {name: n for name, path in modules().items() if (n := len(path.read_text(encoding="utf-8").splitlines())) > 500}
    assert long == {}
