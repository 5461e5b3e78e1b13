"""What every HTML page of the diff room shares: the page shell (CSP, CSS with a CJK font stack and
print rules), escaping, links, numbers and the citation block of one report version.

Report text comes from hacked sites: every piece of text goes through ``html.escape``, links are
emitted only for http(s) URLs and in-page anchors, and the page carries a Content-Security-Policy
that forbids scripts even if something slipped through.
"""

from __future__ import annotations

import hashlib
from html import escape
from urllib.parse import urlsplit

from archive.diff.i18n import word
from archive.diff.model import ReportRef
from archive.diff.svg import FONT_STACK
from archive.metrics.catalogue import Lang, template_name

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
CSS = """
body{font-family:%s;margin:1.5em;color:#222;line-height:1.6;max-width:1280px}
h1{font-size:1.5em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}h3{margin:1.2em 0 .3em}
table{border-collapse:collapse;margin:.5em 0 1.2em}
th,td{border:1px solid #ccc;padding:.25em .6em;vertical-align:top}
th{background:#f3f3f3;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.sbs{width:100%%;table-layout:fixed}
table.sbs td{width:50%%;white-space:pre-wrap;word-break:break-all}
del{background:#ffd7d5;color:#82071e;text-decoration:line-through}
ins{background:#ccffd8;color:#055d20;text-decoration:none}
mark{background:#ffe08a}
tr.only td{background:#fff8c5}
.up{color:#055d20}.down{color:#82071e}
.flag{color:#fff;background:#b00020;padding:0 .4em;border-radius:3px;font-weight:bold}
.badge{display:inline-block;padding:0 .4em;border-radius:3px;font-size:.85em;white-space:nowrap}
.b-comparable{background:#e6f4ea;color:#0b5a24}.b-changed_definition{background:#fff0d6;color:#7a4a00}
.b-new{background:#e3ecfb;color:#1a3d7c}.b-dropped{background:#eee;color:#555}
.b-one_side{background:#f6f0ff;color:#4b2a85}
.muted{color:#666}.small{font-size:.85em}.nw{white-space:nowrap}
.cite{font-family:monospace;font-size:.85em;word-break:break-all}
.charts{display:flex;flex-wrap:wrap;gap:12px}
.metric{break-inside:avoid;page-break-inside:avoid;margin-bottom:1em}
ol.citations li{margin-bottom:.6em}
details>summary{cursor:pointer;font-weight:bold;margin:.6em 0}
:target{outline:2px solid #f0a000}
@media print{
 body{margin:0;max-width:none;font-size:10pt;color:#000}
 a{color:#000;text-decoration:none}
 h2,h3{break-after:avoid;page-break-after:avoid}
 tr,svg,.metric,ol.citations li{break-inside:avoid;page-break-inside:avoid}
 .charts{display:block}
 .noprint{display:none}
}
""" % FONT_STACK


def page(title: str, body: str, *, lang: Lang | str = Lang.ZH) -> str:
    html_lang = "en" if lang == Lang.EN else "zh-CN"
    return (
        f"<!DOCTYPE html>\n<html lang=\"{html_lang}\">\n<head>\n<meta charset=\"utf-8\">\n"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def e(value) -> str:
    return "" if value is None else escape(str(value))


def link(url: str, text: str | None = None) -> str:
    """A link only for http(s) URLs; anything else (javascript:, data:) is shown as text."""
    if urlsplit(url).scheme.lower() in ("http", "https"):
        return f'<a href="{escape(url, quote=True)}" rel="noreferrer noopener">{escape(text or url)}</a>'
    return escape(text or url)


def num(value) -> str:
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else f"{value:.4g}"


def when(iso: str | None) -> str:
    """An ISO capture time as readers write it: to the second, in UTC."""
    if not iso:
        return "—"
    return f"{iso[:19].replace('T', ' ')} UTC" if iso.endswith("+00:00") else iso


def anchor(ref: ReportRef) -> str:
    """The in-page id of a report version's citation (stable: from its URL and version)."""
    return "cite-" + hashlib.sha1(f"{ref.url}\n{ref.version_no}".encode()).hexdigest()[:12]


def cite_link(ref: ReportRef, text: str) -> str:
    return f'<a href="#{anchor(ref)}">{text}</a>'


def citation(ref: ReportRef, *, lang: Lang | str = Lang.ZH, heading: str | None = None) -> str:
    """One report version's citation: title, original URL, capture time, WARC file, offset and record
    id. The element carries the id in-page links point at, and the WARC coordinates as data
    attributes so a checker can resolve each citation against the archive."""
    capture = ref.capture
    if capture is not None and capture.warc_filename:
        data = (f' data-url="{escape(capture.url, quote=True)}"'
                f' data-warc="{escape(capture.warc_filename, quote=True)}" data-offset="{e(capture.warc_offset)}"'
                f' data-record="{escape(capture.warc_record_id or "", quote=True)}"')
        warc = (f'{word("captured", lang)} {e(when(capture.fetched_at))}<br>'
                f'WARC <span class="cite">{e(capture.warc_filename)}</span> '
                f'{word("offset", lang)} <span class="cite">{e(capture.warc_offset)}</span> '
                f'{word("record", lang)} <span class="cite">{e(capture.warc_record_id)}</span>')
    else:
        data, warc = "", f'<span class="muted">{word("no_warc", lang)}</span>'
    title = heading if heading is not None else e(ref.title)
    return (f'<div class="citation" id="{anchor(ref)}"{data}><strong>{title}</strong> '
            f'<span class="muted">{word("version", lang, n=ref.version_no)} · {word("published", lang)} '
            f'{e(ref.published_date) or "—"} · {e(template_name(ref.template, lang))}</span><br>'
            f'{link(ref.url)}<br>{warc}</div>')
