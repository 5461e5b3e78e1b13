"""The HTML diff and trends pages in headless Chromium: no payload from report text runs, and the
SVG charts draw something.

Needs Debian's chromium, which `make setup` installs (the suite installs nothing): without it these
tests skip, and fail when CI=true.
"""

from __future__ import annotations

import os
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from archive.diff.core import diff_reports
from archive.diff.model import CaptureRef, ReportRef, ReportSnapshot, StatValue, TrendSeries
from archive.diff.render_html import CSP, render_diff, render_trends
from archive.diff.svg import PALETTE

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]
MARK = "PWNED"
PAYLOADS = (
    f"<script>document.title='{MARK}'</script>",
    f"<img src=x onerror=\"document.title='{MARK}';document.body.appendChild(document.createElement('pwned'))\">",
    f"<svg onload=\"document.title='{MARK}'\"></svg>",
    f"</td></tr></table><iframe srcdoc=\"<script>parent.document.title='{MARK}'</script>\"></iframe>",
    f"\"><script>document.title='{MARK}'</script>",
)


def _missing(reason: str) -> None:
    """CI installs what the tests need: there a missing browser is a failure, not a skip."""
    if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium() -> str:
    if not Path(CHROMIUM).exists():
        _missing(f"{CHROMIUM} is not installed; run `make setup` (as root it installs Debian's chromium)")
    return CHROMIUM


def _run(chromium: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, timeout=120, check=False)


def dump_dom(chromium: str, tmp_path: Path, html: str) -> str:
    page = tmp_path / "page.html"
    page.write_text(html, encoding="utf-8")
    done = _run(chromium, tmp_path, "--virtual-time-budget=2000", "--dump-dom", page.as_uri())
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-500:]
    return done.stdout.decode("utf-8")


def hostile_diff_html() -> str:
    evil = " ".join(PAYLOADS)
    def snapshot(year: int, body: str) -> ReportSnapshot:
        ref = ReportRef(f"向家镇{PAYLOADS[0]}", year, f"javascript:document.title='{MARK}'", 1,
                        f"标题{PAYLOADS[1]}", None, None,
                        CaptureRef("http://x/", None, f"w{PAYLOADS[2]}.warc.gz", 10, f"<urn:uuid:{PAYLOADS[4]}>"))
        stats = (StatValue(f"metric{PAYLOADS[1]}", 3.0 + year % 2, f"条{PAYLOADS[0]}"),)
        return ReportSnapshot(ref=ref, text=body, statistics=stats)
    a = snapshot(2018, f"一、概述{PAYLOADS[3]}\n{evil}甲。\n二、情况\n{PAYLOADS[1]}旧。")
    b = snapshot(2019, f"一、概述{PAYLOADS[4]}\n{evil}乙。\n三、新增{PAYLOADS[0]}\n{PAYLOADS[2]}新。")
    result = diff_reports(a, b)
    trends = (TrendSeries(f"镇{PAYLOADS[0]}", f"metric{PAYLOADS[1]}", None, ((2018, 3.0), (2019, 4.0))),)
    return render_diff(result, trends=trends)


def test_harness_detects_a_running_script(chromium, tmp_path):
    """Positive control: an unescaped script does change the title in this harness."""
    dom = dump_dom(chromium, tmp_path, f"<html><head><title>ok</title></head><body>{PAYLOADS[0]}</body></html>")
    assert f"<title>{MARK}</title>" in dom


@pytest.mark.parametrize("with_csp", [True, False], ids=["as-rendered", "escaping-alone"])
def test_no_payload_runs_in_the_diff_page(chromium, tmp_path, with_csp):
    html = hostile_diff_html()
    if not with_csp:   # prove the escaping holds on its own, without the CSP's second line of defence
        html = html.replace(f'<meta http-equiv="Content-Security-Policy" content="{CSP}">', "")
        assert "Content-Security-Policy" not in html
    dom = dump_dom(chromium, tmp_path, html)
    title = dom.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title != MARK and title.startswith("向家镇&lt;script&gt;")   # the escaped name, never PWNED
    elements = Elements()
    elements.feed(dom)
    assert not elements.tags & {"pwned", "script", "img", "iframe", "object", "embed"}
    assert elements.handlers == [] and elements.hrefs == []
    assert elements.tags >= {"svg", "polyline", "table", "del", "ins"}
    assert "&lt;script&gt;document.title" in dom      # the payload is shown as text


class Elements(HTMLParser):
    """The elements of the DOM Chromium serialised (attribute values may hold raw ``<``)."""

    def __init__(self):
        super().__init__()
        self.tags: set[str] = set()
        self.handlers: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"{tag} {name}")
            if name in ("href", "src", "xlink:href") and not (value or "").startswith(("http://", "https://")):
                self.hrefs.append(f"{tag} {name}={value}")


def read_png(path: Path) -> tuple[int, int, list[bytes]]:
    """A tiny PNG decoder (8-bit RGB/RGBA, non-interlaced): width, height, unfiltered rows."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - bpp] if x >= bpp else 0
            up = prev[x]
            corner = prev[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append(bytes(line) if bpp == 3 else bytes(b for i, b in enumerate(line) if i % 4 != 3))
        prev = line
    return width, height, rows


def test_trend_chart_renders(chromium, tmp_path):
    series = (TrendSeries("向家镇", "active_total", "条", ((2016, 120), (2017, 300), (2018, 606), (2019, 702))),
              TrendSeries("文林街道", "active_total", "条", ((2016, 500), (2017, 420), (2018, 380), (2019, 650))))
    page = tmp_path / "trends.html"
    # the chart alone at the top left, so its region is known: (0..560, 60..320) below the h1
    page.write_text(render_trends(series, title="趋势"), encoding="utf-8")
    shot = tmp_path / "shot.png"
    done = _run(chromium, tmp_path, f"--screenshot={shot}", "--window-size=600,420",
                "--hide-scrollbars", page.as_uri())
    assert done.returncode == 0 and shot.exists(), done.stderr.decode(errors="replace")[-500:]
    width, height, rows = read_png(shot)
    assert (width, height) == (600, 420)
    region = [rows[y][x * 3:x * 3 + 3] for y in range(80, 380) for x in range(20, 560)]
    values = [sum(px) / 3 for px in region]
    mean = sum(values) / len(values)
    variance = sum((v - mean) ** 2 for v in values) / len(values)
    assert variance > 100, f"chart region looks blank (variance {variance:.1f})"
    # both series' line colours are on screen
    for colour in PALETTE[:2]:
        rgb = bytes.fromhex(colour[1:])
        near = sum(1 for px in region if all(abs(px[i] - rgb[i]) < 40 for i in range(3)))
        assert near > 50, f"no pixels of {colour} in the chart"
