"""Site profiles: one TOML file per site under crawler/sites/ (or any path)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

SITES_DIR = Path(__file__).with_name("sites")


class ProfileError(Exception):
    """A site profile is missing or malformed."""


@dataclass(frozen=True, slots=True)
class Politeness:
    download_delay: float = 1.0
    concurrent_requests_per_domain: int = 2
    autothrottle_target_concurrency: float = 1.0


@dataclass(frozen=True, slots=True)
class Links:
    report_link_text: re.Pattern[str]
    article_url: re.Pattern[str]
    listing_url: re.Pattern[str]
    attachment_url: re.Pattern[str]
    never_fetch: tuple[re.Pattern[str], ...]
    prev_text: re.Pattern[str]
    next_text: re.Pattern[str]
    next_page_text: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class Selectors:
    listing_rows: tuple[str, ...]
    row_link: str
    pager_links: tuple[str, ...]
    article_form: str
    article_body: str


@dataclass(frozen=True, slots=True)
class SiteProfile:
    name: str
    title: str
    start_urls: tuple[str, ...]
    allowed_hosts: tuple[str, ...]
    politeness: Politeness
    links: Links
    selectors: Selectors
    path: Path | None = field(default=None, compare=False)

    def with_start_urls(self, urls: tuple[str, ...] | list[str]) -> SiteProfile:
        """The same profile aimed at other start URLs (a replica, a mirror); hosts follow them."""
        urls = tuple(urls)
        hosts = tuple(dict.fromkeys(h for h in (urlsplit(u).hostname for u in urls) if h))
        return replace(self, start_urls=urls, allowed_hosts=hosts)

    def hosts(self) -> tuple[str, ...]:
        if self.allowed_hosts:
            return self.allowed_hosts
        return tuple(dict.fromkeys(h for h in (urlsplit(u).hostname for u in self.start_urls) if h))


def available_profiles() -> list[Path]:
    return sorted(SITES_DIR.glob("*.toml"))


def load_profile(name_or_path: str | Path) -> SiteProfile:
    """Load a profile by name (``renshou``) or by path to a TOML file."""
    path = Path(name_or_path)
    if path.suffix != ".toml":
        path = SITES_DIR / f"{name_or_path}.toml"
    if not path.is_file():
        names = ", ".join(p.stem for p in available_profiles())
        raise ProfileError(f"no site profile {str(name_or_path)!r} (known: {names})")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return _build(data, path)
    except (tomllib.TOMLDecodeError, KeyError, TypeError, re.error) as exc:
        raise ProfileError(f"site profile {path} is malformed: {exc}") from exc


def _build(data: dict, path: Path) -> SiteProfile:
    links = data["links"]
    sel = data["selectors"]
    return SiteProfile(
        name=data["name"],
        title=data.get("title", data["name"]),
        start_urls=tuple(data.get("start_urls", ())),
        allowed_hosts=tuple(data.get("allowed_hosts", ())),
        politeness=Politeness(**data.get("politeness", {})),
        links=Links(
            report_link_text=re.compile(links["report_link_text"]),
            article_url=re.compile(links["article_url"]),
            listing_url=re.compile(links["listing_url"]),
            attachment_url=re.compile(links["attachment_url"], re.IGNORECASE),
            never_fetch=tuple(re.compile(p) for p in links.get("never_fetch", ())),
            prev_text=re.compile(links["prev_text"]),
            next_text=re.compile(links["next_text"]),
            next_page_text=re.compile(links["next_page_text"]),
        ),
        selectors=Selectors(
            listing_rows=tuple(sel["listing_rows"]),
            row_link=sel["row_link"],
            pager_links=tuple(sel["pager_links"]),
            article_form=sel["article_form"],
            article_body=sel["article_body"],
        ),
        path=path,
    )


PROFILE_COLUMNS = ("name", "title", "start_urls", "hosts", "download_delay", "per_domain", "path")


def profile_rows(directory: Path = SITES_DIR) -> list[dict[str, object]]:
    """One row per site profile file (for ``gongkai sites``); a malformed file is a row with
    its error as the title, so one bad file does not hide the others."""
    rows: list[dict[str, object]] = []
    for path in sorted(Path(directory).glob("*.toml")):
        try:
            profile = load_profile(path)
        except ProfileError as exc:
            rows.append({"name": path.stem, "title": f"ERROR: {exc}", "start_urls": "", "hosts": "",
                         "download_delay": None, "per_domain": None, "path": str(path)})
            continue
        rows.append({
            "name": profile.name,
            "title": profile.title,
            "start_urls": " ".join(profile.start_urls),
            "hosts": " ".join(profile.hosts()) or "(from --start-url)",
            "download_delay": profile.politeness.download_delay,
            "per_domain": profile.politeness.concurrent_requests_per_domain,
            "path": str(path),
        })
    return rows
