"""The CLI reference in docs/cli.md is the commands' own --help."""

from crawler.clidoc import DOC, render


def test_cli_reference_is_current():
    assert DOC.read_text(encoding="utf-8") == render(), "docs/cli.md is stale: run python -m crawler.clidoc"
