"""One place for settings: every GONGKAI_* setting is defaulted in crawler/settings.py, typed and
checked in crawler/config.py, documented in docs/configuration.md, and a bad value stops a
crawl with one line that names it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from archive.runs.lock import CrawlLock
from crawler import settings as defaults
from crawler.config import SPECS, SettingError, check_settings, default, read
from crawler.extension import ArchiveExtension
from crawler.spiders.reports import ReportsSpider
from gongkai.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "configuration.md"
SOURCE_PACKAGES = ("archive", "crawler", "pipelines", "gongkai", "replica")
SETTING = re.compile(r"\bGONGKAI_[A-Z][A-Z0-9_]*\b")
#: Environment variables, not Scrapy settings (GONGKAI_DATA_DIR is both: the CLI's default).
ENVIRONMENT = {"GONGKAI_DATA_DIR"}


def declared() -> dict[str, object]:
    return {name: getattr(defaults, name) for name in dir(defaults) if name.startswith("GONGKAI_")}


def documented() -> dict[str, str]:
    rows = re.findall(r"^\| `(GONGKAI_[A-Z0-9_]+)` \| `([^`]*)` \|", DOC.read_text(encoding="utf-8"), re.M)
    return dict(rows)


def project_settings(**values) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.setdict(values, priority="cmdline")
    return settings


def test_every_setting_is_defaulted_typed_and_documented_once():
    assert set(declared()) == set(SPECS)
    docs = documented()
    assert set(docs) == set(declared())
    for name, value in declared().items():
        assert docs[name] == repr(value), name


def test_no_code_reads_an_undeclared_setting():
    used = set()
    for package in SOURCE_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    used |= set(SETTING.findall(node.value))
    assert used - ENVIRONMENT <= set(SPECS), sorted(used - set(SPECS))


def test_the_defaults_are_usable():
    check_settings(project_settings())
    check_settings(Settings())  # nothing set: every default from crawler/settings.py
    assert read(Settings(), "GONGKAI_STORE_BATCH") == 20
    assert read(Settings(), "GONGKAI_CONTEXT_TEXTS") == default("GONGKAI_CONTEXT_TEXTS") == 5000


@pytest.mark.parametrize(("name", "value", "takes"), [
    ("GONGKAI_STORE_BATCH", "many", "a whole number of pages"),
    ("GONGKAI_STORE_BATCH", "0", "at least 1"),
    ("GONGKAI_WARC_MAX_SIZE", "1000", "at least 1000000"),
    ("GONGKAI_WARC_FSYNC", "perhaps", "True or False"),
    ("GONGKAI_PROCESS_WORKERS", "-1", "'auto' or a whole number"),
    ("GONGKAI_WARC_GZIP_LEVEL", "10", "a zlib level, 1 to 9"),
    ("GONGKAI_CAPTURE_BATCH", "0", "at least 1"),
    ("GONGKAI_CAPTURE_BATCH_SECONDS", "0", "more than 0"),
])
def test_a_bad_value_names_the_setting_and_what_it_takes(name, value, takes):
    with pytest.raises(SettingError) as caught:
        check_settings(project_settings(**{name: value}))
    message = str(caught.value)
    assert f"{name}={value!r}" in message and takes in message and "\n" not in message


def test_a_bad_setting_stops_the_crawl_with_one_line(tmp_path):
    result = CliRunner().invoke(main, ["crawl", "--start-url", "http://127.0.0.1:9/", "--data-dir", str(tmp_path),
                                       "-s", "GONGKAI_STORE_BATCH=many"])
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2, result.output
    assert lines == ["Error: setting GONGKAI_STORE_BATCH='many' is not usable: it takes a whole number of pages, "
                     "at least 1"]
    assert not (tmp_path / "gongkai.sqlite").exists(), "nothing was opened"


def test_archive_extension_checks_settings_and_leaves_the_lock_to_spider_opened(tmp_path):
    good = get_crawler(ReportsSpider, {"GONGKAI_DATA_DIR": str(tmp_path)})
    ArchiveExtension.from_crawler(good)
    with CrawlLock(tmp_path):  # from_crawler did not take it
        pass
    bad = get_crawler(ReportsSpider, {"GONGKAI_DATA_DIR": str(tmp_path), "GONGKAI_WARC_MAX_SIZE": "10"})
    with pytest.raises(SettingError, match="GONGKAI_WARC_MAX_SIZE='10'"):
        ArchiveExtension.from_crawler(bad)
