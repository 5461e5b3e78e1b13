"""HTML templates of the replica VSB (博达) portal: home, hub, listing (two pager variants),
article, plain column pages and the 404 page.

Templates are plain functions returning ``str``; all choices come in as arguments (no
randomness here). The shared chrome (inline CSS, counter scripts, navigation, footer) makes
every page weigh 10-30 KB like the real portal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

SITE_NAME = "仁寿县人民政府"
SITE_ID = "5114210002"
OWNER = 1380155637

#: Navigation targets (all served as plain column pages, except the home page).
NAV: tuple[tuple[str, str], ...] = (
    ("/index.htm", "首页"),
    ("/zjrs.htm", "走进仁寿"),
    ("/zwgk.htm", "政务公开"),
    ("/zwfw.htm", "政务服务"),
    ("/hdjl.htm", "互动交流"),
    ("/ztzl.htm", "专题专栏"),
)
OFFSITE_LINKS: tuple[tuple[str, str], ...] = (
    ("http://www.gov.cn/", "中国政府网"),
    ("http://www.sc.gov.cn/", "四川省人民政府"),
    ("http://www.ms.gov.cn/", "眉山市人民政府"),
)

_ON = ' class="on"'
_CSS = """
body{margin:0;padding:0;font-family:"Microsoft YaHei","微软雅黑",SimSun,Arial;font-size:14px;color:#333;background:#f2f4f7}
a{color:#333;text-decoration:none}a:hover{color:#c00;text-decoration:underline}
ul,li{list-style:none;margin:0;padding:0}img{border:0}
.top-bar{height:32px;line-height:32px;background:#f7f7f7;border-bottom:1px solid #e1e1e1;font-size:12px;color:#666}
.top-bar .w1200{width:1200px;margin:0 auto;overflow:hidden}.top-bar .fl{float:left}.top-bar .fr{float:right}
.top-bar a{margin:0 6px;color:#666}
.header{height:150px;background:#1d5fb1 url(data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==) no-repeat center top}
.header .logo{width:1200px;margin:0 auto;padding-top:36px;font-size:40px;color:#fff;font-weight:bold;letter-spacing:6px}
.header .logo span{display:block;font-size:14px;letter-spacing:1px;font-weight:normal;opacity:.8}
.nav{height:52px;background:#0b4a98}.nav ul{width:1200px;margin:0 auto}
.nav li{float:left;width:200px;text-align:center;line-height:52px;font-size:18px}
.nav li a{color:#fff;display:block}.nav li a:hover,.nav li.on a{background:#083a79;text-decoration:none}
.search{width:1200px;margin:12px auto;height:36px;overflow:hidden}
.search input.text{width:300px;height:30px;border:1px solid #ccc;padding:0 8px}
.search input.btn{width:70px;height:32px;background:#0b4a98;color:#fff;border:0;cursor:pointer}
.main{width:1200px;margin:0 auto 20px;background:#fff;overflow:hidden;padding:20px 0}
.main .left{float:left;width:260px;margin-left:20px}.main .right{float:right;width:880px;margin-right:20px}
.left .lm-title{height:50px;line-height:50px;background:#0b4a98;color:#fff;font-size:20px;text-align:center}
.left .lm-list li{height:44px;line-height:44px;border-bottom:1px dashed #ddd;padding-left:30px}
.left .lm-list li.on a{color:#c00;font-weight:bold}
.location{height:40px;line-height:40px;border-bottom:2px solid #0b4a98;font-size:13px;color:#777}
.location a{color:#777;margin:0 4px}
.list ul li{height:40px;line-height:40px;border-bottom:1px dashed #e5e5e5;padding-left:14px;overflow:hidden}
.list ul li a{float:left;width:720px;overflow:hidden;white-space:nowrap;text-overflow:ellipsis}
.list ul li span,.list ul li i{float:right;color:#999;font-style:normal}
.pb_sys_common{text-align:center;margin:24px 0;font-size:13px}
.pb_sys_common span{display:inline-block;margin:0 3px}.pb_sys_common a{border:1px solid #ddd;padding:3px 8px}
.p_pages .p_no_d{background:#0b4a98;color:#fff;padding:3px 8px}.p_fun_d,.p_next_d,.p_prev_d{color:#aaa;border:1px solid #eee;padding:3px 8px}
.PrevDisabled,.NextDisabled{color:#aaa;margin:0 4px}a.Next{margin:0 4px;color:#1d5fb1}
.article{padding:10px 30px 30px}.titlestyle148403,.article h1,.article .title{font-size:26px;font-weight:bold;color:#1d5fb1;text-align:center;line-height:46px;margin:10px 0}
.timestyle148403,.article .info{font-size:13px;color:#888;text-align:center;line-height:30px;border-bottom:1px solid #e5e5e5;margin-bottom:18px}
.v_news_content{font-size:16px;line-height:32px;color:#333}
.v_news_content p{text-indent:2em;margin:6px 0}.v_news_content table{border-collapse:collapse;margin:10px auto;width:96%}
.v_news_content td{border:1px solid #666;padding:2px 6px;font-size:13px;text-align:center}
.index-block{border:1px solid #d9e4f2;background:#f6f9fd;margin:10px 0 20px;font-size:13px}
.index-block td{padding:6px 10px;line-height:20px}.index-block .lbl{color:#1d5fb1;width:90px}
.prev-next{margin-top:30px;border-top:1px dashed #ccc;padding-top:10px;font-size:14px;line-height:28px}
.close-bar{text-align:right;margin-top:20px}.close-bar a{color:#1d5fb1}
.home-cols{overflow:hidden;padding:0 20px}.home-col{float:left;width:373px;margin-right:20px}
.home-col h3{height:40px;line-height:40px;border-bottom:2px solid #0b4a98;font-size:18px;color:#0b4a98;margin:0 0 8px}
.home-col li{height:34px;line-height:34px;overflow:hidden;white-space:nowrap;text-overflow:ellipsis}
.home-col li span{float:right;color:#999;font-size:12px}
.hub li{height:46px;line-height:46px;border-bottom:1px dashed #ddd;font-size:16px;padding-left:20px}
.links{width:1200px;margin:0 auto 10px;background:#fff;padding:10px 0;text-align:center}
.links select{width:220px;margin:0 10px;height:28px}
.footer{background:#0b4a98;color:#dfe8f5;text-align:center;font-size:13px;line-height:26px;padding:20px 0}
.footer a{color:#dfe8f5}.footer .jiucuo{display:inline-block;vertical-align:middle;margin:0 10px}
@media print{.top-bar,.nav,.search,.links,.footer,.close-bar{display:none}}
"""

_JS = """
function _nl_ys_check(){var d=document,f=d.forms["searchform"];if(!f)return false;
var v=f.showkeycode.value;if(v==""||v=="请输入关键字"){alert("请输入查询关键字");f.showkeycode.focus();return false;}
f.keyword.value=v;return true;}
function setHomepage(){if(document.all){document.body.style.behavior='url(#default#homepage)';
try{document.body.setHomePage(window.location.href);}catch(e){}}else{alert("您的浏览器不支持此操作，请手动设置。");}}
function addFavorite(){var u=window.location.href,t=document.title;try{window.external.addFavorite(u,t);}
catch(e){try{window.sidebar.addPanel(t,u,"");}catch(e2){alert("请使用Ctrl+D将本页加入收藏");}}}
function doZoom(size){var c=document.getElementById("vsb_content_box");if(c){c.style.fontSize=size+"px";}}
function goLink(sel){var u=sel.options[sel.selectedIndex].value;if(u!=""){window.open(u);}sel.selectedIndex=0;}
function _vsb_tab(group,index,count){for(var i=0;i<count;i++){var h=document.getElementById(group+"_h"+i),
b=document.getElementById(group+"_b"+i);if(h){h.className=(i==index)?"on":"";}if(b){b.style.display=(i==index)?"block":"none";}}}
function _vsb_scroll(id,step){var box=document.getElementById(id);if(!box)return;var timer=null;
function roll(){if(box.scrollTop>=box.scrollHeight-box.offsetHeight){box.scrollTop=0;}else{box.scrollTop+=step;}}
timer=setInterval(roll,50);box.onmouseover=function(){clearInterval(timer);};box.onmouseout=function(){timer=setInterval(roll,50);};}
function _vsb_contrast(on){var b=document.body;if(!b)return;b.style.filter=on?"contrast(1.4)":"";
try{window.localStorage.setItem("vsb_contrast",on?"1":"0");}catch(e){}}
(function(){try{if(window.localStorage.getItem("vsb_contrast")=="1"){window.onload=function(){_vsb_contrast(true);};}}catch(e){}})();
var _vsb_today=new Date();function _vsb_week(){var w=["日","一","二","三","四","五","六"];
return _vsb_today.getFullYear()+"年"+(_vsb_today.getMonth()+1)+"月"+_vsb_today.getDate()+"日 星期"+w[_vsb_today.getDay()];}
"""


def charset_meta(declared: str, style: int = 0) -> str:
    if declared == "utf-8":
        return '<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />'
    if style % 2:
        return f'<meta charset="{declared}">'
    return f'<meta http-equiv="Content-Type" content="text/html; charset={declared}" />'


def document(*, title: str, charset: str, body: str, head_extra: str = "", charset_style: int = 0,
             current_nav: str = "") -> str:
    nav = "".join(
        f'<li{_ON if href == current_nav else ""}><a href="{href}">{text}</a></li>' for href, text in NAV
    )
    return (
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" "
        "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
        "<html xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n"
        f"{charset_meta(charset, charset_style)}\n<title>{title}</title>\n"
        '<meta name="renderer" content="webkit" />\n<meta http-equiv="X-UA-Compatible" content="IE=edge" />\n'
        f"{head_extra}"
        f"<style type=\"text/css\">{_CSS}</style>\n"
        f"<script type=\"text/javascript\">{_JS}</script>\n"
        '<script language="javascript" src="/system/resource/js/dynclicks.js"></script>\n'
        '<script language="javascript" src="/system/resource/js/ajax.js"></script>\n'
        "</head>\n<body>\n"
        '<div class="top-bar"><div class="w1200"><div class="fl"><script>document.write(_vsb_week());</script>'
        '&nbsp;&nbsp;欢迎访问仁寿县人民政府门户网站</div><div class="fr">'
        '<a href="javascript:setHomepage()">设为首页</a>|<a href="javascript:addFavorite()">加入收藏</a>|'
        '<a href="/zwfw.htm">无障碍浏览</a>|<a href="/hdjl.htm">网站地图</a></div></div></div>\n'
        f'<div class="header"><div class="logo">{SITE_NAME}<span>www.rs.gov.cn</span></div></div>\n'
        f'<div class="nav"><ul>{nav}</ul></div>\n'
        '<div class="search"><form name="searchform" method="post" action="/ssjg.jsp?wbtreeid=1001" '
        'onsubmit="return _nl_ys_check()"><input type="hidden" name="keyword" />'
        '<input class="text" name="showkeycode" value="请输入关键字" onfocus="if(this.value==\'请输入关键字\')this.value=\'\'" />'
        '<input class="btn" type="submit" value="搜索" /></form></div>\n'
        f"{body}\n{_links_block()}\n{footer()}\n</body>\n</html>\n"
    )


def _links_block() -> str:
    groups = (
        ("国家部委网站", ("国务院办公厅", "国家发展改革委", "教育部", "民政部", "财政部", "生态环境部")),
        ("省市政府网站", ("四川省人民政府", "成都市人民政府", "眉山市人民政府", "东坡区人民政府", "彭山区人民政府")),
        ("县级部门网站", ("县发展改革局", "县教育和体育局", "县民政局", "县财政局", "县农业农村局", "县卫生健康局")),
    )
    selects = "".join(
        f'<select onchange="goLink(this)"><option value="">{name}</option>'
        + "".join(f'<option value="">{item}</option>' for item in items)
        + "</select>"
        for name, items in groups
    )
    offsite = "".join(f'<a href="{href}" target="_blank">{text}</a>&nbsp;' for href, text in OFFSITE_LINKS[:1])
    return f'<div class="links">友情链接：{offsite}{selects}</div>'


def footer() -> str:
    return (
        '<div class="footer"><p><a href="/zjrs.htm">关于我们</a> | <a href="/hdjl.htm">联系我们</a> | '
        '<a href="/zwgk.htm">网站声明</a></p>'
        '<p class="quick">政务新媒体：<span>仁寿发布（微信）</span> | <span>仁寿发布（微博）</span> | '
        '<span>仁寿县人民政府客户端</span> | <span>县长信箱</span> | <span>12345政务服务便民热线</span></p>'
        "<p>主办单位:仁寿县人民政府办公室&nbsp;&nbsp;承办单位:仁寿县政务服务和大数据管理局</p>"
        "<p>地址:四川省眉山市仁寿县文林街道书院路二段 邮编:612560 联系电话:028-36202201</p>"
        f"<p>网站标识码:{SITE_ID}&nbsp;&nbsp;蜀ICP备08008128号&nbsp;&nbsp;川公网安备 51142102000001号</p>"
        '<script type="text/javascript">document.write(unescape("%3Cspan class=\'jiucuo\'%3E%3C/span%3E"));</script>'
        "</div>"
    )


def location(*crumbs: tuple[str, str]) -> str:
    links = " &gt; ".join(f'<a href="{href}">{text}</a>' for href, text in crumbs)
    return f'<div class="location">当前位置：{links}</div>'


def left_menu(current: str, items: tuple[tuple[str, str], ...]) -> str:
    lis = "".join(
        f'<li{_ON if text == current else ""}><a href="{href}">{text}</a></li>' for href, text in items
    )
    return f'<div class="left"><div class="lm-title">政务公开</div><ul class="lm-list">{lis}</ul></div>'


def home_body(columns: list[tuple[str, list[tuple[str, str, str]]]], hub_href: str) -> str:
    cols = "".join(
        f'<div class="home-col"><h3>{escape(name)}</h3><ul>'
        + "".join(
            f'<li><span>{date}</span><a href="{href}" title="{escape(title)}" target="_blank">{escape(title)}</a></li>'
            for href, title, date in items
        )
        + "</ul></div>"
        for name, items in columns
    )
    special = (
        '<div class="home-cols"><div class="home-col"><h3>政务公开</h3><ul>'
        f'<li><a href="{hub_href}">乡镇政府信息公开年度报告</a></li>'
        '<li><a href="/zwgk.htm">政府信息公开指南</a></li>'
        '<li><a href="/zwgk.htm">政府信息公开制度</a></li>'
        '<li><a href="http://www.gov.cn/" target="_blank">国务院政策文件库</a></li></ul></div></div>'
    )
    counter = (f'<script language="javascript" src="/system/resource/code/news/click/dynclicks.jsp?'
               f'clickid=1001&owner={OWNER}&clicktype=wbtree"></script>')
    return f'<div class="main"><div class="home-cols">{cols}</div>{special}</div>{counter}'


def list_body(title: str, crumbs: tuple[tuple[str, str], ...], inner: str, menu: str) -> str:
    return (
        f'<div class="main">{menu}<div class="right">{location(*crumbs)}'
        f'<div class="list"><h2 style="font-size:18px;color:#0b4a98">{escape(title)}</h2>{inner}</div></div></div>'
    )


def listing_rows(items: list[tuple[str, str, str]], date_tag: str, *, uid: int = 148356) -> str:
    rows = "".join(
        f'<li id="line_u{index % 2 + 8}_{index}"><a href="{href}" title="{escape(title)}" target="_blank">'
        f"{escape(title)}</a><{date_tag}>{date}</{date_tag}></li>"
        for index, (href, title, date) in enumerate(items)
    )
    return f'<ul class="winstyle{uid}">{rows}</ul>'


def pager_a(current: int, total: int, href: Callable[[int], str]) -> str:
    """Variant A. ``href(page)`` gives the relative link to page number ``page`` (1-based order)."""
    parts = [f'<span class="p_pages">共{total}页&nbsp;</span>']
    if current > 1:
        parts.append(f'<span class="p_first p_fun"><a href="{href(1)}">首页</a></span>')
        parts.append(f'<span class="p_prev p_fun"><a href="{href(current - 1)}">上页</a></span>')
    else:
        parts.append('<span class="p_first_d p_fun_d">首页</span><span class="p_prev_d p_fun_d">上页</span>')
    for page in range(1, total + 1):
        if page == current:
            parts.append(f'<span class="p_no_d">{page}</span>')
        else:
            parts.append(f'<span class="p_no"><a href="{href(page)}">{page}</a></span>')
    if current < total:
        parts.append(f'<span class="p_next p_fun"><a href="{href(current + 1)}">下页</a></span>')
        parts.append(f'<span class="p_last p_fun"><a href="{href(total)}">尾页</a></span>')
    else:
        parts.append('<span class="p_next_d p_fun_d">下页</span><span class="p_last_d p_fun_d">尾页</span>')
    return f'<div class="pb_sys_common pb_sys_normal pb_sys_style1">{"".join(parts)}</div>'


def pager_b(current: int, total: int, count: int, href: Callable[[int], str]) -> str:
    """Variant B: ``<td id="fanye148356">共49条 1/5</td>`` and ``a.Next`` buttons."""
    cells = [f'<td id="fanye148356" nowrap align="left" width="1%">共{count}条&nbsp;&nbsp;{current}/{total}&nbsp;</td>']
    buttons = []
    if current > 1:
        buttons.append(f'<a href="{href(1)}" class="Next">首页</a>&nbsp;<a href="{href(current - 1)}" class="Next">上页</a>')
    else:
        buttons.append('<span class="PrevDisabled">首页</span><span class="PrevDisabled">上页</span>')
    if current < total:
        buttons.append(f'<a href="{href(current + 1)}" class="Next">下页</a>&nbsp;<a href="{href(total)}" class="Next">尾页</a>')
    else:
        buttons.append('<span class="NextDisabled">下页</span><span class="NextDisabled">尾页</span>')
    cells.append(f'<td nowrap align="left">{"".join(buttons)}</td>')
    return f'<table cellspacing="0" cellpadding="0" border="0"><tr>{"".join(cells)}</tr></table>'


@dataclass(slots=True)
class ArticleView:
    """Everything an article page shows; spam injection edits a copy of this."""

    layout: str                      # "rs" | "h1" | "index" | "old"
    title_tag: str                   # <title>
    visible_title: str
    date_line: str                   # what stands before 来源 (or the whole line)
    source: str                      # "" when empty
    body_html: str
    content_id: int
    article_id: int
    meta: dict[str, str] = field(default_factory=dict)
    index_block: tuple[tuple[str, str], ...] = ()
    prev: tuple[str, str] | None = None
    next: tuple[str, str] | None = None
    attachments: tuple[tuple[str, str], ...] = ()
    banner_html: str = ""
    top_hidden: str = ""             # injected right after <form>
    content_tail: str = ""           # injected at the end of the v_news_content div
    page_tail: str = ""              # injected before </body>
    column_name: str = ""
    crumbs: tuple[tuple[str, str], ...] = ()


def meta_tags(meta: dict[str, str]) -> str:
    return "".join(f'<meta name="{name}" content="{escape(value)}">\n' for name, value in meta.items())


def article_body(view: ArticleView, menu: str) -> str:
    head = _article_head(view)
    attachments = "".join(
        f'<li><a href="{escape(href)}" target="_blank">{escape(name)}</a>&nbsp;已下载<span id="nattach{view.article_id}{i}">'
        "</span>次</li>"
        for i, (href, name) in enumerate(view.attachments)
    )
    if attachments:
        attachments = f'<ul style="list-style-type:none;">{attachments}</ul>'
    pn = ""
    if view.prev:
        pn += f'<p>上一条：<a href="{view.prev[0]}">{escape(view.prev[1])}</a></p>'
    if view.next:
        pn += f'<p>下一条：<a href="{view.next[0]}">{escape(view.next[1])}</a></p>'
    return (
        f'<div class="main">{menu}<div class="right">{location(*view.crumbs)}<div class="article">\n'
        f'<form name="_newscontent_fromname">{view.top_hidden}{view.banner_html}{head}'
        f'<div id="vsb_content_box"><div id="vsb_content_{view.content_id}">'
        f'<div class="v_news_content">{view.body_html}{view.content_tail}</div></div>'
        f'<div id="div_vote_id"></div></div>{attachments}'
        f'<div class="prev-next">{pn}</div>'
        '<div class="close-bar"><a href="javascript:window.print()">【打印】</a>'
        '<a href="javascript:window.opener=null;window.open(\'\',\'_self\');window.close();">【关闭】</a></div>'
        "</form>"
        f'<script language="javascript" src="/system/resource/code/news/click/dynclicks.jsp?'
        f'clickid={view.article_id}&owner={OWNER}&clicktype=wbnews"></script>'
        f"</div></div></div>{view.page_tail}"
    )


def _article_head(view: ArticleView) -> str:
    title = escape(view.visible_title)
    source = escape(view.source)
    if view.layout == "rs":
        return (
            '<table width="100%" cellspacing="0" cellpadding="0"><tr>'
            f'<td class="titlestyle148403" align="center">{title}</td></tr><tr>'
            f'<td class="timestyle148403" align="center">{view.date_line}&nbsp;&nbsp;&nbsp;&nbsp;来源：{source}'
            f'&nbsp;&nbsp;&nbsp;&nbsp;点击：<span id="dynclicks_wbnews_{view.article_id}_{view.content_id}"></span></td>'
            "</tr></table>"
        )
    if view.layout == "h1":
        return (
            f"<h1>{title}</h1>"
            f'<div class="info">{view.date_line}&nbsp;&nbsp;&nbsp;&nbsp;来源：{source}'
            '&nbsp;&nbsp;&nbsp;&nbsp;【字号：<a href="javascript:doZoom(18)">大</a> '
            '<a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a>】</div>'
        )
    if view.layout == "index":
        cells = "".join(
            f'<td class="lbl">{label}</td><td>{escape(value)}</td>' + ("</tr><tr>" if i % 2 else "")
            for i, (label, value) in enumerate(view.index_block)
        )
        return (
            f'<table class="index-block" width="100%"><tr>{cells}</tr></table>'
            f"<h1>{title}</h1>"
            f'<div class="info">{view.date_line}&nbsp;&nbsp;&nbsp;&nbsp;来源：{source}</div>'
        )
    return (  # "old": pre-VSB article layout carried over by the migration
        f'<p class="title">{title}</p>'
        f'<div class="info">{view.date_line}&nbsp;&nbsp;信息来源：{source}</div>'
    )


def not_found_body() -> str:
    return (
        '<div class="main" style="text-align:center;padding:80px 0"><h2>404 您访问的页面不存在</h2>'
        '<p>页面可能已被删除或移动，请返回<a href="/index.htm">首页</a>继续浏览。</p></div>'
    )


def column_body(title: str, paragraphs: list[str], links: list[tuple[str, str]]) -> str:
    text = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    items = "".join(f'<li><a href="{href}">{escape(name)}</a></li>' for href, name in links)
    return (
        f'<div class="main"><div class="right" style="float:none;margin:0 auto">'
        f"{location(('/index.htm', '首页'), ('#', title))}"
        f'<div class="article"><h1>{escape(title)}</h1>{text}<ul class="hub">{items}</ul></div></div></div>'
    )
