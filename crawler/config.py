"""Reading gongkai's settings: each ``GONGKAI_*`` setting's type and limits, one reader for all.

Defaults live in ``crawler.settings`` only. ``read`` returns a setting's value (its default when
the settings hold none), parsed as its ``Spec`` says; a value gongkai cannot use raises
``SettingError``, whose one-line message names the setting, the bad value and what it takes.
``check_settings`` reads every one: the runner calls it before Scrapy starts (``gongkai crawl -s
GONGKAI_STORE_BATCH=many`` stops with that line) and the archive extension, the first component
a crawl builds, calls it again for ``scrapy crawl``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scrapy.settings import BaseSettings

from crawler import settings as defaults
from pipelines.pool import auto_workers

#: Exit status of a command stopped by a bad setting (a usage error, as click's own).
EXIT_BAD_SETTING = 2


class SettingError(ValueError):
    """A setting has a value gongkai cannot use; the message names it and says what it takes."""

    exit_code = EXIT_BAD_SETTING


@dataclass(frozen=True, slots=True)
class Spec:
    kind: str  # "str" | "int" | "float" | "bool" | "list" | "workers"
    takes: str  # what a good value is, for the error message
    check: Callable[[Any], bool] | None = None


def _at_least(minimum: float) -> Callable[[Any], bool]:
    return lambda value: value >= minimum


def _between(low: float, high: float) -> Callable[[Any], bool]:
    return lambda value: low <= value <= high


def _positive(value: float) -> bool:
    return value > 0


def _not_empty(value: str) -> bool:
    return bool(value.strip())


SPECS: dict[str, Spec] = {
    "GONGKAI_DATA_DIR": Spec("str", "a directory path", _not_empty),
    "GONGKAI_DB_URL": Spec("str", "a SQLAlchemy database URL, or empty for DATA_DIR/gongkai.sqlite"),
    "GONGKAI_WARC_MAX_SIZE": Spec("int", "a whole number of bytes, at least 1000000", _at_least(1_000_000)),
    "GONGKAI_WARC_FSYNC": Spec("bool", "True or False"),
    "GONGKAI_WARC_PREFIX": Spec("str", "a file name prefix", _not_empty),
    "GONGKAI_WARC_GZIP_LEVEL": Spec("int", "a zlib level, 1 to 9", _between(1, 9)),
    "GONGKAI_OPERATOR": Spec("str", "who runs the crawl (free text)"),
    "GONGKAI_ARCHIVE_EXTENSION": Spec("str", "the import path of the archive extension", _not_empty),
    "GONGKAI_CONTACT": Spec("str", "a URL or mailto: address for the User-Agent"),
    "GONGKAI_SITE": Spec("str", "a site profile name or a path to a profile TOML", _not_empty),
    "GONGKAI_START_URLS": Spec("list", "URLs separated by commas"),
    "GONGKAI_RETRY_BACKOFF_BASE": Spec("float", "seconds, 0 or more", _at_least(0)),
    "GONGKAI_RETRY_BACKOFF_MAX": Spec("float", "seconds, 0 or more", _at_least(0)),
    "GONGKAI_CONDITIONAL_REQUESTS": Spec("bool", "True or False"),
    "GONGKAI_CAPTURE_BATCH": Spec("int", "a whole number of captures, at least 1", _at_least(1)),
    "GONGKAI_CAPTURE_BATCH_SECONDS": Spec("float", "seconds, more than 0", _positive),
    "GONGKAI_CAPTURE_THREADS": Spec("bool", "True or False"),
    "GONGKAI_RESUME_HOURS": Spec("float", "hours, 0 or more", _at_least(0)),
    "GONGKAI_RECHECK": Spec("bool", "True or False"),
    "GONGKAI_CONTEXT_TEXTS": Spec("int", "a whole number of texts, 0 or more", _at_least(0)),
    "GONGKAI_PROCESS_WORKERS": Spec("workers", "'auto' or a whole number of processes, 0 or more"),
    "GONGKAI_STORE_BATCH": Spec("int", "a whole number of pages, at least 1", _at_least(1)),
    "GONGKAI_WORKER_ID": Spec("str", "a worker name (letters, digits, - and _ are kept in file names)"),
    "GONGKAI_REDIS_PREFIX": Spec("str", "a Redis key prefix"),
    "GONGKAI_IDLE_TIMEOUT": Spec("float", "seconds, 0 or more", _at_least(0)),
    "GONGKAI_BUSY_TTL": Spec("float", "seconds, 0 or more", _at_least(0)),
    "GONGKAI_HOST_GATE_PREFIX": Spec("str", "a Redis key prefix", _not_empty),
    "GONGKAI_LOCK_HELD": Spec("bool", "True or False"),
    "GONGKAI_RECHECK_SHARED": Spec("bool", "True or False"),
}


#: What ``_parse`` could not read (a value that failed to parse, unlike None, is never valid).
_BAD = object()


def default(name: str) -> Any:
    """The default of a gongkai setting, from ``crawler.settings``."""
    if name not in SPECS:
        raise KeyError(f"{name} is not a gongkai setting (see crawler/settings.py)")
    return getattr(defaults, name)


def read(settings: BaseSettings, name: str) -> Any:
    """The value of gongkai setting ``name`` in ``settings`` (its default when unset), parsed
    and checked; raises ``SettingError``."""
    spec = SPECS.get(name)
    if spec is None:
        raise KeyError(f"{name} is not a gongkai setting (see crawler/settings.py)")
    raw = settings.get(name)
    if raw is None:
        raw = default(name)
    try:
        value = _parse(spec.kind, settings, name, raw)
    except (TypeError, ValueError):
        value = _BAD
    if value is _BAD or (spec.check is not None and not spec.check(value)):
        raise SettingError(f"setting {name}={raw!r} is not usable: it takes {spec.takes}")
    return value


def check_settings(settings: BaseSettings) -> None:
    """Read every gongkai setting; raises ``SettingError`` at the first bad one."""
    for name in SPECS:
        read(settings, name)


def _parse(kind: str, settings: BaseSettings, name: str, raw: Any) -> Any:
    if kind == "str":
        if not isinstance(raw, str):
            raise TypeError(name)
        return raw
    if kind == "int":
        if isinstance(raw, bool):
            raise TypeError(name)
        return int(raw)
    if kind == "float":
        if isinstance(raw, bool):
            raise TypeError(name)
        return float(raw)
    if kind == "bool":
        return settings.getbool(name, raw)
    if kind == "list":
        return settings.getlist(name, raw)
    if kind == "workers":
        return auto_workers(raw)
    raise ValueError(f"unknown kind {kind!r} of {name}")
