"""Regenerate the screenshots of the NGO pages in docs/ from an archive (default: the demo crawl).

    make demo && .venv/bin/python bench/screenshots.py [--data-dir gongkai-data] [--township 向家镇]

Writes the 2021 -> 2024 diff, the trends page and the dossier of one township as HTML into a
temporary directory, then has headless Chromium (/usr/bin/chromium; fonts-noto-cjk for the Chinese
glyphs: `make setup` installs both) photograph each: docs/ngo-diff.png, docs/ngo-trends.png, docs/ngo-dossier.png and
docs/ngo-dossier-spam.png (the dossier's spam section: Chromium photographs a page from its top).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

from gongkai.compare import diff_command, trends_command
from gongkai.dossier import dossier_command

CHROMIUM = "/usr/bin/chromium"
DOCS = Path(__file__).resolve().parent.parent / "docs"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
         "--disable-background-networking", "--disable-component-update"]


def write_pages(data_dir: str, township: str, out: Path) -> dict[str, Path]:
    runs = {
        "diff": (diff_command, ["--township", township, "--from-year", "2021", "--to-year", "2024",
                                "--format", "html"]),
        "trends": (trends_command, ["--township", township]),
        "dossier": (dossier_command, ["--township", township]),
    }
    pages = {}
    for name, (command, args) in runs.items():
        pages[name] = out / f"{name}.html"
        result = CliRunner().invoke(command, ["--data-dir", data_dir, *args, "-o", str(pages[name])])
        if result.exit_code != 0:
            sys.exit(f"{name}: {result.output.strip()}")
    return pages


def shoot(url: str, target: Path, profile: Path, *, height: int) -> None:
    done = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", f"--window-size=1280,{height}",
                           f"--screenshot={target}", url], capture_output=True, timeout=120, check=False)
    if done.returncode != 0 or not target.exists():
        sys.exit(f"chromium failed on {url}: {done.stderr.decode(errors='replace')[-300:]}")
    print(f"wrote {target}")


def check_tools() -> None:
    """Chromium and a CJK font, or a line saying how to get them (without the font every Chinese
    character would be photographed as an empty box)."""
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is missing: run `make setup` (as root it installs Debian's chromium)")
    try:
        fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout
    except FileNotFoundError:
        fonts = ""
    if not fonts.strip():
        sys.exit("no CJK font: run `make setup` (as root it installs Debian's fonts-noto-cjk)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="gongkai-data")
    parser.add_argument("--township", default="向家镇")
    args = parser.parse_args()
    check_tools()
    with tempfile.TemporaryDirectory() as tmp:
        pages = write_pages(args.data_dir, args.township, Path(tmp))
        profile = Path(tmp) / "profile"
        shoot(pages["diff"].as_uri(), DOCS / "ngo-diff.png", profile, height=1800)
        shoot(pages["trends"].as_uri(), DOCS / "ngo-trends.png", profile, height=1500)
        shoot(pages["dossier"].as_uri(), DOCS / "ngo-dossier.png", profile, height=1500)
        # headless Chromium photographs a page from its top: the spam section alone, in the page's shell
        spam = Path(tmp) / "dossier-spam.html"
        spam.write_text(section_only(pages["dossier"].read_text(encoding="utf-8"), "spam", "similar"), encoding="utf-8")
        shoot(spam.as_uri(), DOCS / "ngo-dossier-spam.png", profile, height=1100)


def section_only(html: str, start: str, end: str) -> str:
    """The page with its body cut down to the heading and the section from ``#start`` to ``#end``."""
    head, body = html.split("<body>", 1)
    title = body[:body.index("</h1>") + 5]
    section = body[body.index(f'<h2 id="{start}">'):body.index(f'<h2 id="{end}">')]
    return f"{head}<body>\n{title}\n{section}\n</body>\n</html>\n"


if __name__ == "__main__":
    main()
