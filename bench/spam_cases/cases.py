"""The labelled spam evaluation set: pages built from our own sentence templates, plus the
hand-written cases in ``handwritten.json``.

Each case: ``id``, ``kind`` (the kind under test, or ``negative``), ``html``, ``url``, a context
recipe (``none`` | ``site`` | ``capture``) and ``expect``: the injections a perfect cleaner reports,
each ``{"kind", "text", "original"}`` where ``text`` is a substring of the injected text as it
appears and ``original`` the word it replaced (``None`` when there is nothing to restore).
Generation is deterministic (seeded), so the numbers in docs/cleaning.md are reproducible.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

HERE = Path(__file__).parent
URL = "http://www.qc.gov.cn/info/4519/{n}.htm"

TOWNS = ["桃源乡", "石桥乡", "红光镇", "白马镇", "青溪街道", "木鱼镇", "竹园镇", "凉水乡", "三锅镇", "关庄乡"]

# sentences with a slot {w} where the site-wide replaced word stood (其他 unless noted)
SLOT_SENTENCES = [
    "全年主动公开信息{a}条，其中规划类{b}条，民生类{c}条，{w}信息{d}条。",
    "另通过院坝会、公示栏等{w}方式公开信息{a}条。",
    "需要说明的{w}事项：本年度无需要说明的事项。",
    "信息公开办公室与{w}股室衔接不够紧密，协作有待加强。",
    "对“两微一端”和{w}媒体利用不足，覆盖面有限。",
    "除涉密事项外，{w}信息均在规定时限内公开。",
    "财政预决算、{w}重点领域信息按要求公开{a}条。",
    "办理人大代表建议{a}件，{w}意见{b}件，均已按时答复。",
]
# sentences where 人民政府 ({g}) or 关于 ({y}) stood: other sites had those words replaced
OTHER_SLOT_SENTENCES = [
    "年度报告电子版在青川县{g}网站公开，欢迎监督。",
    "由县{g}办公室统一审核后发布。",
    "印发{y}做好政务公开工作的通知{b}份。",
    "转发上级{y}加强政府网站管理的意见，逐条落实。",
]
# sentences naming the township: its name repeats on a page in many contexts and differs
# from page to page, the trap for the site-repetition signal
TOWN_SENTENCES = [
    "{town}人民政府高度重视政务公开工作。",
    "由{town}党政办公室负责信息审核。",
    "{town}便民服务中心设置公开查阅点{b}个。",
    "如有疑问请与{town}人民政府联系。",
]
PLAIN_SENTENCES = [
    "我{t}成立政务公开工作领导小组，由主要负责人任组长。",
    "全年召开专题会议{a}次，举办培训班{b}次，培训{c}人次。",
    "本年度未收到政府信息公开申请，未发生行政复议和行政诉讼。",
    "统计期限从2018年1月1日起至2018年12月31日止。",
    "下一步，我{t}将依托信息公开平台和政务平台，提高公开质量。",
    "通过政府网站发布工作动态{a}条，回应群众关切{b}条。",
    "加强网站内容保障，确保信息准确、及时、规范。",
    "群众满意率达到{p}%，未发生泄密事件。",
]
SPORTS_SENTENCES = [
    "县文化体育和旅游局全年组织全民健身活动{a}场次，新建体育场{b}个。",
    "乡镇综合文化站与体育馆免费开放，接待群众{a}人次。",
    "开展中国体育彩票公益金项目公示，公开资金使用情况{b}条。",
    "依托文化体育平台发布赛事信息{a}条，信息公开平台同步更新。",
    "印发《关于规范皇冠体育器材采购的通知》，严格执行政府采购程序。",
    "皇冠村新建篮球场一处，金沙江沿线健身步道完成改造。",
    "“天府通办”APP上线办事指南{a}项，群众可下载附件自助办理。",
    "县政府官方网站开设政务公开专栏，其他栏目内容按月更新。",
    "全县体育平台建设完成，公共体育服务覆盖{p}%的行政村。",
    "印发《关于开展网络博彩专项整治的通知》，持续打击涉赌违法活动。",
]
KNOWN_BRANDS = ["必威", "开云", "乐鱼", "九游", "华体会", "米乐", "亚博", "万博", "凯发", "天博"]
# brand stems the lexicon does not list: caught only by shape or by site signals
UNKNOWN_BRANDS = ["鼎盛", "星辉", "豪利", "聚鑫", "汇赢", "金牛", "博顺", "盈发", "鸿福", "富贵"]
SHAPES = ["体育平台", "体育app", "体育官网", "娱乐官网", "体育app下载", "娱乐平台下载", "棋牌app", "电竞官网入口"]
PINYIN = {"政": "zheng", "府": "fu", "信": "xin", "息": "xi", "公": "gong", "开": "kai", "工": "gong", "作": "zuo"}
OFFSITE = ["bet365-vip.com", "xpj8866.net", "kaiyun-sports.cc", "hg0088.vip", "leyu-app.top", "casino88.xyz"]


def numbers(rng: random.Random) -> dict:
    return {
        "a": rng.randint(2, 400),
        "b": rng.randint(1, 60),
        "c": rng.randint(1, 90),
        "d": rng.randint(1, 20),
        "p": rng.randint(80, 100),
    }


WORDS = {"w": "其他", "g": "人民政府", "y": "关于"}


def sentence(template: str, rng: random.Random, *, town: str = "乡", word: str | None = None, slot: str = "w") -> str:
    words = dict(WORDS)
    if word is not None:
        words[slot] = word
    return template.format(t=town[-1], **words, **numbers(rng))


def page(
    paragraphs: list[str],
    *,
    town: str = "桃源乡",
    title: str | None = None,
    keywords: str = "青川县人民政府,政府信息公开",
    description: str | None = None,
    source: str = "",
    before_title: str = "",
    in_body: str = "",
    after_body: str = "",
    head_extra: str = "",
    tail: str = "",
) -> str:
    title = title if title is not None else f"{town}-青川县人民政府"
    description = description if description is not None else f"{town}2018年政府信息公开工作年度报告"
    paras = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title>
<meta name="keywords" content="{keywords}">
<meta name="description" content="{description}">
<meta name="ArticleTitle" content="{town}">{head_extra}
</head><body>
<div class="nav"><a href="/">首页</a> <a href="/xxgk.htm">信息公开</a></div>
<form name="_newscontent_fromname">
{before_title}<table><tr><td class="titlestyle152344">{town}</td></tr></table>
<div class="timestyle">2019年02月28日&nbsp;&nbsp;&nbsp;&nbsp;来源：{source}</div>
<div id="vsb_content_2"><div class="v_news_content">
<p>青川县{town}2018年政府信息公开工作年度报告</p>
{paras}
{in_body}</div></div>{after_body}
<p>上一条：<a href="112368.htm">石桥乡</a></p>
<p>下一条：<a href="112370.htm">红光镇</a></p>
</form>
<div class="footer">主办单位：青川县人民政府办公室 网站标识码：5108230001</div>{tail}
</body></html>"""


def site_texts(rng: random.Random, n: int = 12) -> list[str]:
    """Clean sister texts: the same templates with other numbers and towns."""
    texts = []
    for _ in range(n):
        town = rng.choice(TOWNS)
        lines = [sentence(t, rng, town=town) for t in SLOT_SENTENCES + OTHER_SLOT_SENTENCES + PLAIN_SENTENCES]
        lines += [t.format(town=town, **numbers(rng)) for t in TOWN_SENTENCES]
        rng.shuffle(lines)
        texts.append("\n".join(lines))
    return texts


def _case(cid, kind, html, expect, context="none", **extra) -> dict:
    return {
        "id": cid,
        "kind": kind,
        "html": html,
        "url": URL.format(n=100000 + cid),
        "context": context,
        "expect": expect,
        **extra,
    }


def _brand_phrase(rng: random.Random, unknown: bool) -> str:
    stem = rng.choice(UNKNOWN_BRANDS if unknown else KNOWN_BRANDS)
    first = stem + rng.choice(SHAPES)
    if rng.random() < 0.5:
        return first + rng.choice([",", "，", "、", ""]) + stem + rng.choice(SHAPES)
    return first


def generate(seed: int = 20190228) -> list[dict]:
    rng = random.Random(seed)
    cases: list[dict] = []
    cid = 0

    def add(kind, html, expect, context="none", **extra):
        nonlocal cid
        cid += 1
        cases.append(_case(cid, kind, html, expect, context, **extra))

    def prose(k=4, town="桃源乡"):
        return [sentence(t, rng, town=town) for t in rng.sample(PLAIN_SENTENCES, k)]

    # replaced words: seed phrase (known map), other phrases with site context or other capture
    for i in range(72):
        town = rng.choice(TOWNS)
        seed_phrase = i % 3 == 0
        phrase = "必威体育平台,必威体育app" if seed_phrase else _brand_phrase(rng, unknown=i % 2 == 1)
        context = "none" if seed_phrase else ("site" if i % 3 == 1 else "capture")
        slots = rng.sample(SLOT_SENTENCES, 2)
        numbers_state = rng.getstate()
        paras = prose(3, town) + [sentence(t, rng, town=town, word=phrase) for t in slots]
        rng.setstate(numbers_state)
        clean_paras = prose(3, town) + [sentence(t, rng, town=town) for t in slots]
        add(
            "replaced_word",
            page(paras, town=town),
            [{"kind": "replaced_word", "text": phrase, "original": "其他"}] * 2,
            context,
            capture=page(clean_paras, town=town) if context == "capture" else None,
        )
    # 人民政府 / 关于 replaced site-wide; restored from the site's clean texts
    for i in range(20):
        slot = "g" if i % 2 else "y"
        phrase = _brand_phrase(rng, unknown=i % 4 < 2)
        slots = [t for t in OTHER_SLOT_SENTENCES if "{" + slot + "}" in t]
        paras = prose(3) + [sentence(t, rng, word=phrase, slot=slot) for t in slots]
        expect = [{"kind": "replaced_word", "text": phrase, "original": WORDS[slot]}] * len(slots)
        add("replaced_word", page(paras), expect, "site")
    # brands with no lexicon entry and no app/官网 shape: only the site-wide repetition betrays them
    for _ in range(14):
        phrase = rng.choice(UNKNOWN_BRANDS) + rng.choice(["国际", "娱乐", "集团", "娱乐城"[:2] + "会", "游戏"])
        slots = rng.sample(SLOT_SENTENCES, 3)
        paras = prose(3) + [sentence(t, rng, word=phrase) for t in slots]
        add("replaced_word", page(paras), [{"kind": "replaced_word", "text": phrase, "original": "其他"}] * 3, "site")
    # inserted phrases with nothing to restore (removed, unrestored)
    for _ in range(12):
        phrase = _brand_phrase(rng, unknown=False)
        paras = prose(4)
        k = rng.randrange(len(paras))
        cut = rng.randrange(2, len(paras[k]) - 2)
        paras[k] = paras[k][:cut] + phrase + paras[k][cut:]
        add("replaced_word", page(paras), [{"kind": "replaced_word", "text": phrase, "original": None}])
    # banners
    banner_shapes = [
        '<p class="banner">{p}</p>\n<p><img src="/images/b.jpg" alt="图片"></p>\n',
        '<div style="text-align:center">{p}</div>\n',
        "<marquee>{p}</marquee>\n",
        '<p><a href="http://{h}/">{p}</a></p>\n',
    ]
    for i in range(36):
        phrase = _brand_phrase(rng, unknown=i % 3 == 0)
        if i % 4 == 3:
            add("banner", page([phrase] + prose()), [{"kind": "banner", "text": phrase, "original": None}])
            continue
        shape = rng.choice(banner_shapes)
        expect = [{"kind": "banner", "text": phrase, "original": None}]
        if "图片" in shape:
            expect.append({"kind": "banner", "text": 'alt="图片"', "original": None})
        add("banner", page(prose(), before_title=shape.format(p=phrase, h=rng.choice(OFFSITE))), expect)
    # title, meta, source, visible title
    for i in range(20):
        phrase = _brand_phrase(rng, unknown=i % 2 == 0)
        town = rng.choice(TOWNS)
        if i % 2:
            html = page(prose(), town=town, title=f"{phrase}-{town}-青川县人民政府")
        else:
            html = page(prose(), town=town, title=f"{town}_{phrase}")
        add("title_spam", html, [{"kind": "title_spam", "text": phrase, "original": None}])
    for i in range(20):
        phrase = _brand_phrase(rng, unknown=i % 2 == 1)
        if i % 2:
            html = page(prose(), keywords=f"{phrase},青川县人民政府")
        else:
            html = page(
                prose(), description=f"{phrase}{rng.choice(['：', ' ', '，'])}桃源乡2018年政府信息公开工作年度报告"
            )
        add("meta_spam", html, [{"kind": "meta_spam", "text": phrase, "original": None}])
    for i in range(16):
        phrase = _brand_phrase(rng, unknown=i % 2 == 0)
        add("source_spam", page(prose(), source=phrase), [{"kind": "source_spam", "text": phrase, "original": None}])
    # hidden blocks
    hidden_styles = [
        "display:none",
        "display: none;",
        "visibility:hidden",
        "position:absolute;left:-9999px;top:-9999px",
        "width:0;height:0;overflow:hidden",
        "font-size:0",
        "text-indent:-5000px;overflow:hidden",
    ]
    for i in range(35):
        hosts = rng.sample(OFFSITE, 3)
        phrase = _brand_phrase(rng, unknown=i % 2 == 0)
        links = "".join(
            f'<a href="https://{h}/">{phrase if j == 0 else "在线" + h.split(".")[0]}</a>' for j, h in enumerate(hosts)
        )
        if i % 5 == 4:
            block = f'<div class="links">{links}</div>'
        elif i % 7 == 3:
            block = f"<div hidden>{links}</div>"
        else:
            block = f'<div style="{rng.choice(hidden_styles)}">{links}</div>'
        where = i % 3
        html = page(
            prose(),
            in_body=block if where == 0 else "",
            after_body=block if where == 1 else "",
            tail=block if where == 2 else "",
        )
        add("hidden_block", html, [{"kind": "hidden_block", "text": phrase, "original": None}])
    # scripts and iframes
    for i in range(20):
        host = rng.choice(OFFSITE)
        forms = [
            f'<script>document.write(\'<a href="https://{host}/" style="display:none">link</a>\');</script>',
            f'<script>var a=document.createElement("a");a.href="https://{host}/";document.body.appendChild(a);</script>',
            f'<script src="https://{host}/tj.js"></script>',
            "<script>document.write(unescape('%3Ca%20href%3D%22https%3A%2F%2F"
            + host
            + "%2F%22%3E%3C%2Fa%3E'));</script>",
        ]
        block = forms[i % 4]
        html = page(prose(), in_body=block if i % 2 else "", tail=block if not i % 2 else "")
        add("script_link", html, [{"kind": "script_link", "text": host, "original": None}])
    for i in range(16):
        host = rng.choice(OFFSITE)
        block = f'<iframe src="https://{host}/ad.html" width="{rng.choice([0, 1, 300])}" height="0" frameborder="0"></iframe>'
        html = page(prose(), in_body=block if i % 2 else "", tail=block if not i % 2 else "")
        add("iframe", html, [{"kind": "iframe", "text": host, "original": None}])
    # pinyin interleaving (with traditional forms in half)
    for i in range(16):
        word = rng.choice(["政府信息公开工作", "信息公开", "政府工作", "公开信息"])
        trad = i % 2 == 1
        shown = word.replace("开", "開").replace("作", "作") if trad else word
        annotated = "".join(f"{c}({PINYIN[s]})" for c, s in zip(shown, word, strict=True))
        paras = prose(3)
        paras.insert(1, f"我乡高度重视{annotated}，由专人负责。")
        add("pinyin", page(paras), [{"kind": "pinyin", "text": annotated, "original": word}])
    # traditional conversion
    trad_lines = {
        "本報告根據條例編製，統計期限為一年。": "本报告根据条例编制，统计期限为一年。",
        "我鄉嚴格執行政務公開制度，確保資訊準確發佈。": "我乡严格执行政务公开制度，确保资讯准确发布。",
        "全年舉辦業務培訓兩次，參訓人員四十餘人。": "全年举办业务培训两次，参训人员四十余人。",
    }
    for _ in range(12):
        trad, simple = rng.choice(list(trad_lines.items()))
        paras = prose(3)
        paras.insert(rng.randrange(4), trad)
        first = next(k for k in range(len(trad)) if trad[k] != simple[k])
        last = max(k for k in range(len(trad)) if trad[k] != simple[k]) + 1
        add(
            "traditional",
            page(paras),
            [{"kind": "traditional", "text": trad[first:last], "original": simple[first:last]}],
        )
    # negatives: clean pages with legitimate look-alike words and benign scripts, frames, hidden blocks
    benign = [
        "",
        '<div style="display:none" class="share"><a href="/share.jsp">分享</a></div>',
        '<script>var _hmt=_hmt||[];(function(){var hm=document.createElement("script");hm.src="https://hm.baidu.com/hm.js?abc";document.body.appendChild(hm);})();</script>',
        '<script src="/system/resource/js/counter.js"></script>',
        '<iframe src="http://www.sc.gov.cn/video/1.html" width="600" height="400"></iframe>',
        '<div class="links"><a href="http://www.sc.gov.cn/">四川省人民政府</a><a href="http://www.gy.gov.cn/">广元市人民政府</a><a href="http://www.jg.gov.cn/">剑阁县人民政府</a></div>',
        "<script>document.write('<a href=\"/info/4519/1.htm\">返回</a>');</script>",
    ]
    for i in range(110):
        town = rng.choice(TOWNS)
        paras = rng.sample(SPORTS_SENTENCES, 3) + [sentence(t, rng, town=town) for t in rng.sample(SLOT_SENTENCES, 2)]
        paras = [p.format(**numbers(rng)) for p in paras] + prose(2, town)
        paras += [t.format(town=town, **numbers(rng)) for t in TOWN_SENTENCES]
        rng.shuffle(paras)
        extra = benign[i % len(benign)]
        html = page(
            paras,
            town=town,
            in_body=extra if i % 2 else "",
            tail=extra if not i % 2 else "",
            source=rng.choice(["", "", "青川县桃源乡人民政府", "县政务服务中心"]),
        )
        add("negative", html, [], "site" if i % 2 else "none")
    for case in json.loads((HERE / "handwritten.json").read_text(encoding="utf-8")):
        add(
            case["kind"],
            case.get("html") or page(case["paragraphs"], **case.get("page", {})),
            case["expect"],
            case.get("context", "none"),
            note=case.get("note"),
        )
    return cases
