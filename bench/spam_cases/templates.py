"""Article-page templates of the realistic set: one VSB county portal as SITE.md describes it,
another county on the same CMS (index row above the title, tool row), a TRS-like portal whose
body has no ``vsb_content`` container, and an older table-based page.

``PageContent`` holds a page's strings; hacks edit those strings (see ``sites``), then a template
renders them. Every template has a ``Layout`` telling ``fields.extract`` where its fields are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .fields import Layout
from .reports import Line


@dataclass
class PageContent:
    title: str
    metas: dict[str, str]  # meta name (as written) -> content
    visible_title: str
    date: str
    source: str
    lines: list[Line]
    prev_name: str
    next_name: str
    footer_owner: str  # 主办单位 value
    site_code: str
    icp: str
    before_title: list[str] = field(default_factory=list)  # injected lines above the visible title
    body_top: list[str] = field(default_factory=list)  # injected lines at the top of the body
    in_body_html: str = ""
    after_body_html: str = ""
    publisher: str = ""
    index_no: str = ""


def _lines_html(lines: list[Line]) -> str:
    out = []
    for line in lines:
        if isinstance(line, str):
            out.append(f"<p>{line}</p>")
        else:
            rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in line)
            out.append(f'<table class="MsoNormalTable"><tbody>{rows}</tbody></table>')
    return "\n".join(out)


def _metas(metas: dict[str, str]) -> str:
    return "\n".join(f'<meta name="{k}" content="{v}">' for k, v in metas.items())


def _before(content: PageContent) -> str:
    return "".join(f'<div class="ad_top">{line}</div>\n' for line in content.before_title)


def _body(content: PageContent) -> str:
    top = "".join(f"<p>{line}</p>\n" for line in content.body_top)
    return top + _lines_html(content.lines) + content.in_body_html


def render_vsb(c: PageContent) -> str:
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8"><title>{c.title}</title>
{_metas(c.metas)}
</head><body>
<div class="header"><a href="/">首页</a> <a href="/xxgk.htm">政务公开</a> <a href="/ndbg.htm">年度报告</a></div>
<form name="_newscontent_fromname">
{_before(c)}<table class="winstyle1023"><tr><td class="titlestyle1023">{c.visible_title}</td></tr>
<tr><td align="center"><span class="timestyle1023">{c.date}&nbsp;&nbsp;&nbsp;&nbsp;来源：{c.source}</span></td></tr></table>
<div id="vsb_content_2"><div class="v_news_content">
{_body(c)}
</div></div>{c.after_body_html}
<p>上一条：<a href="112368.htm">{c.prev_name}</a></p>
<p>下一条：<a href="112370.htm">{c.next_name}</a></p>
<div><a href="javascript:window.close()">【关闭】</a></div>
</form>
<div class="footer">主办单位：{c.footer_owner} 网站标识码：{c.site_code} 蜀ICP备{c.icp}号</div>
</body></html>"""


def render_index(c: PageContent) -> str:
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{c.title}</title>
{_metas(c.metas)}
</head><body>
<div class="nav"><a href="/">网站首页</a> &gt; <a href="/zfxxgk.htm">政府信息公开</a></div>
<form name="_newscontent_fromname">
<table class="index_table"><tr><td>索引号：</td><td>{c.index_no}</td><td>发布机构：</td><td>{c.publisher}</td></tr>
<tr><td>发布日期：</td><td>{c.date}</td><td>来源：</td><td>{c.source}</td></tr></table>
{_before(c)}<h1 class="arti_title">{c.visible_title}</h1>
<div class="tools">【字体：大 中 小】【下载Word】【下载PDF】【打印】</div>
<div id="vsb_content_100"><div class="v_news_content">
{_body(c)}
</div></div>{c.after_body_html}
</form>
<div class="footer">主办：{c.footer_owner} 网站标识码：{c.site_code} 蜀ICP备{c.icp}号</div>
</body></html>"""


def render_trs(c: PageContent) -> str:
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{c.title}</title>
{_metas(c.metas)}
</head><body>
<div class="crumb">当前位置：首页 &gt; 政府信息公开 &gt; 政府信息公开年报</div>
<div class="article">
{_before(c)}<h2 class="article_title">{c.visible_title}</h2>
<p class="info">发布时间：{c.date}&nbsp;&nbsp;来源：{c.source}&nbsp;&nbsp;浏览次数：</p>
<div class="TRS_Editor">
{_body(c)}
</div>{c.after_body_html}
</div>
<div class="footer">主办单位：{c.footer_owner}&nbsp;&nbsp;网站标识码：{c.site_code}&nbsp;&nbsp;蜀ICP备{c.icp}号</div>
</body></html>"""


def render_old(c: PageContent) -> str:
    return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>{c.title}</title>
{_metas(c.metas)}
</head><body>
<table width="100%">{"".join(f"<tr><td>{line}</td></tr>" for line in c.before_title)}
<tr><td align="center"><span class="Head">{c.visible_title}</span></td></tr>
<tr><td class="info">发布日期:{c.date}&nbsp;&nbsp;信息来源：{c.source}&nbsp;&nbsp;点击数：</td></tr>
<tr><td><div class="content">
{_body(c)}
</div>{c.after_body_html}</td></tr></table>
<p align="center">版权所有：{c.footer_owner} {c.site_code}</p>
</body></html>"""


@dataclass(frozen=True, slots=True)
class Template:
    name: str
    render: object  # Callable[[PageContent], str]
    layout: Layout
    url: str  # format with host, col, id, ym, ymd


TEMPLATES = {
    "vsb": Template(
        "vsb",
        render_vsb,
        Layout("vsb", "//td[starts-with(@class, 'titlestyle')]", "//span[starts-with(@class, 'timestyle')]", True),
        "http://www.{host}/info/{col}/{id}.htm",
    ),
    "index": Template(
        "index",
        render_index,
        Layout("index", "//h1[@class='arti_title']", "//table[@class='index_table']", True),
        "http://www.{host}/info/{col}/{id}.htm",
    ),
    "trs": Template(
        "trs",
        render_trs,
        Layout("trs", "//h2[@class='article_title']", "//p[@class='info']", False),
        "http://www.{host}/zwgk/ndbg/{ym}/t{ymd}_{id}.html",
    ),
    "old": Template(
        "old",
        render_old,
        Layout("old", "//span[@class='Head']", "//td[@class='info']", False),
        "http://{host}/show.asp?id={id}",
    ),
}
