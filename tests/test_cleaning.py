"""Tests for pipelines.cleaning: every kind of injection, the legitimate look-alikes, the
provenance contract (clean_text == apply_findings(raw_text, body findings)), idempotence and
robustness on arbitrary input, and the evaluation targets."""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from pathlib import Path

import pytest
from lxml import html as lxml_html

from pipelines.cleaning import (
    Action,
    CleanResult,
    Finding,
    FindingKind,
    SiteContext,
    apply_findings,
    clean_page,
    convert,
    findings_to_json,
)
from pipelines.cleaning.site import site_context, site_text
from pipelines.text import body_text

FIXTURES = Path(__file__).parent / "fixtures" / "cleaning"
ROOT = Path(__file__).resolve().parent.parent
URL = "http://www.qc.gov.cn/info/4519/112369.htm"
SEED_PHRASE = "必威体育平台,必威体育app"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_bytes().decode("utf-8")


def page(paragraphs, *, head="", before_title="", after_body="", tail="", source="", title="桃源乡-青川县人民政府"):
    paras = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<html><head><title>{title}</title><meta name="keywords" content="青川县人民政府">{head}</head><body>'
        f'<form name="_newscontent_fromname">{before_title}<td class="titlestyle1">桃源乡</td>'
        f'<div class="timestyle">2019年02月28日&nbsp;&nbsp;来源：{source}</div>'
        f'<div id="vsb_content_2"><div class="v_news_content">{paras}</div></div>{after_body}'
        f'<p>上一条：<a href="1.htm">石桥乡</a></p></form>{tail}</body></html>'
    )


def check_contract(result: CleanResult, html: str) -> None:
    assert result.raw_text == body_text(html)
    assert result.clean_text == apply_findings(result.raw_text, result.findings)
    for f in result.findings:
        assert 0.0 <= f.confidence <= 1.0
        if f.field == "body":
            assert result.raw_text[f.start : f.end] == f.text


def kinds(result: CleanResult) -> list[str]:
    return sorted(str(f.kind) for f in result.findings)


# --- the seed-style page ---------------------------------------------------------------------


def test_seed_style_page_restores_every_phrase_to_qita():
    html = fixture("seed_style.html")
    result = clean_page(html, url=URL)
    check_contract(result, html)
    body = [f for f in result.findings if f.field == "body"]
    assert len(body) == 7
    assert all(f.kind is FindingKind.REPLACED_WORD and f.action is Action.RESTORED for f in body)
    assert {f.replacement for f in body} == {"其他"}
    assert all(f.signal == "known-map" for f in body)
    assert SEED_PHRASE not in result.clean_text
    assert "其他信息5条" in result.clean_text and "其他方式公开" in result.clean_text
    assert "信息公开平台和政务平台" in result.clean_text
    assert body_text(result.clean_html) == result.clean_text
    page_findings = {(f.kind, f.rule) for f in result.findings if f.field == "page"}
    assert (FindingKind.BANNER, "banner-above-title") in page_findings
    assert (FindingKind.BANNER, "banner-image") in page_findings
    doc = lxml_html.document_fromstring(result.clean_html)
    assert doc.findtext(".//title") == "桃源乡-青川县人民政府"
    assert doc.xpath('//meta[@name="keywords"]/@content') == ["青川县人民政府"]
    # the extractor's selectors still find everything
    assert doc.xpath('//form[@name="_newscontent_fromname"]')
    assert doc.xpath('//div[starts-with(@id, "vsb_content")]//div[@class="v_news_content"]')
    assert doc.xpath('//a[text()="石桥乡"]/@href') == ["112368.htm"]
    assert doc.xpath('//td[starts-with(@class, "titlestyle")]/text()') == ["桃源乡"]
    assert "来源：" in doc.text_content() and "2019年03月04日" in doc.text_content()
    assert doc.xpath('//meta[@name="PubDate"]/@content') == ["2019-03-04 09:12"]
    assert clean_page(result.clean_html, url=URL).findings == ()


def test_seed_style_page_with_site_context_agrees_with_known_map():
    sister = [
        "全年主动公开信息88条，其中规划类6条，其他信息9条。\n通过公示栏等其他方式公开信息40条。",
        "需要说明的其他事项：无。\n信息公开办公室与其他股室密切配合。",
        "除涉密事项外其他信息均按时公开。\n对“两微一端”和其他媒体充分利用。",
        "民生类30条，其他信息2条。\n需要说明的其他事项：无。",
    ]
    result = clean_page(fixture("seed_style.html"), url=URL, context=SiteContext.from_texts(sister))
    body = [f for f in result.findings if f.field == "body"]
    assert {f.replacement for f in body} == {"其他"}
    assert any("site-context" in f.signal and "known-map" in f.signal for f in body)
    assert all(f.confidence > 0.8 for f in body)


def test_clean_page_untouched():
    html = fixture("clean_sports.html")
    result = clean_page(html, url=URL)
    assert result.findings == ()
    assert result.clean_html == html
    assert result.clean_text == result.raw_text == body_text(html)


def test_mixed_injection_page():
    html = fixture("mixed_injection.html")
    result = clean_page(html, url=URL)
    check_contract(result, html)
    assert set(kinds(result)) == {
        "banner",
        "hidden_block",
        "iframe",
        "pinyin",
        "script_link",
        "source_spam",
        "traditional",
    }
    assert result.clean_text.splitlines() == [
        "青川县白马镇2018年政府信息公开工作年度报告",
        "本镇严格落实政府信息公开条例，确保资讯准确发布。",
        "全年主动公开信息125条，群众满意率达到98%。",
        "全年举办培训班3次，培训干部60人次。",
    ]
    assert body_text(result.clean_html) == result.clean_text
    for host in ("kaiyun-sports.cc", "xpj8866.net", "bet365-vip.com", "casino88.xyz", "leyu-app.top"):
        assert host not in result.clean_html
    assert "九游" not in result.clean_html and "开云体育官网" not in result.clean_html
    assert clean_page(result.clean_html, url=URL).findings == ()


# --- replaced words ----------------------------------------------------------------------------


def test_restore_from_other_capture_and_mark_inserted():
    raw = page(["全年公开信息60条，鼎盛体育app信息5条。", "通过公示栏等鼎盛体育app方式公开。"])
    earlier = page(["全年公开信息60条，其他信息5条。", "通过公示栏等其他方式公开。"])
    result = clean_page(raw, url=URL, context=SiteContext.from_texts([], other_captures=[earlier]))
    body = [f for f in result.findings if f.field == "body"]
    assert [(f.replacement, f.signal) for f in body] == [("其他", "other-capture")] * 2
    assert result.clean_text.splitlines() == ["全年公开信息60条，其他信息5条。", "通过公示栏等其他方式公开。"]
    inserted = clean_page(
        page(["全年公开信息60条，鼎盛体育app其中规划类5条。"]),
        url=URL,
        context=SiteContext.from_texts([], other_captures=["全年公开信息60条，其中规划类5条。"]),
    )
    (f,) = [f for f in inserted.findings if f.field == "body"]
    assert f.action is Action.REMOVED and f.rule == "inserted-phrase" and f.signal == "other-capture"


def test_restore_from_site_context_other_words():
    texts = [f"年度报告在青川县人民政府网站公开，共{n}条。\n印发关于做好政务公开工作的通知{n}份。" for n in range(8)]
    raw = page(["年度报告在青川县星辉娱乐官网网站公开，共3条。", "印发开云体育app做好政务公开工作的通知2份。"])
    result = clean_page(raw, url=URL, context=SiteContext.from_texts(texts))
    assert result.clean_text.splitlines() == [
        "年度报告在青川县人民政府网站公开，共3条。",
        "印发关于做好政务公开工作的通知2份。",
    ]
    assert all("site-context" in f.signal for f in result.findings if f.field == "body")


def test_unknown_brand_without_shape_found_by_site_repetition():
    texts = [f"规划类{n}条，其他信息{n}条。\n公示栏等其他方式公开。\n需要说明的其他事项：无。" for n in range(8)]
    raw = page(["规划类4条，宏图国际信息2条。", "公示栏等宏图国际方式公开。", "需要说明的宏图国际事项：无。"])
    result = clean_page(raw, url=URL, context=SiteContext.from_texts(texts))
    assert "宏图国际" not in result.clean_text
    assert result.clean_text.count("其他") == 3
    assert clean_page(raw, url=URL).findings == ()  # without the site it is an ordinary word


def test_site_context_outranks_known_map():
    texts = [f"印发关于做好政务公开工作的通知{n}份。\n转发上级关于加强政府网站管理的意见。" for n in range(8)]
    raw = page([f"印发{SEED_PHRASE}做好政务公开工作的通知2份。", f"转发上级{SEED_PHRASE}加强政府网站管理的意见。"])
    result = clean_page(raw, url=URL, context=SiteContext.from_texts(texts))
    assert {f.replacement for f in result.findings if f.field == "body"} == {"关于"}


def test_a_name_the_site_cannot_single_out_is_not_guessed():
    # every township fits the slot on two pages: the site cannot say which one the brand replaced
    towns = ["木鱼镇", "桃源乡", "石桥乡", "乔庄镇", "竹园镇", "马鹿镇", "房石镇", "关庄镇"]
    texts = [f"本报告由青川县{t}人民政府根据《条例》编制。\n请与青川县{t}人民政府联系。" for t in towns for _year in (1, 2)]
    raw = page(["本报告由青川县盛世体育平台根据《条例》编制。", "请与青川县盛世体育平台联系。"])
    result = clean_page(raw, url=URL, context=SiteContext.from_texts(texts))
    body = [f for f in result.findings if f.field == "body"]
    assert body and all(f.replacement is None for f in body)
    assert result.clean_text.splitlines() == ["本报告由青川县根据《条例》编制。", "请与青川县联系。"]


def test_a_page_in_traditional_script_is_compared_with_the_site_in_simplified():
    sisters = [page([f"全年召开专题会议{n}次，举办培训班{n}次，培训人数{n}0余人次。", "行政诉讼（未经复议直接起诉）"]) for n in range(6)]
    traditional = [page([f"全年召開專題會議{n}次，举辦培訓班{n}次，培訓人數{n}0余人次。", "行政訴訟（未經復議直接起訴）"]) for n in range(3)]
    context = site_context((f"http://x/{n}.htm", site_text(html)) for n, html in enumerate(sisters + traditional))
    result = clean_page(traditional[0], url="http://x/6.htm", context=context.for_page("http://x/6.htm"))
    assert result.clean_text.splitlines() == ["全年召开专题会议0次，举办培训班0次，培训人数00余人次。", "行政诉讼（未经复议直接起诉）"]
    assert {f.kind for f in result.findings} == {FindingKind.TRADITIONAL}


def test_a_word_replaced_on_a_page_in_traditional_script_is_restored_from_a_simplified_site():
    texts = [f"规划类{n}条，其他信息{n}条。\n公示栏等其他方式公开。\n需要说明的其他事项：无。" for n in range(8)]
    raw = page(["規劃類4條，宏圖國際信息2條。", "公示欄等宏圖國際方式公開。", "需要說明的宏圖國際事項：無。"])
    result = clean_page(raw, url=URL, context=SiteContext.from_texts(texts))
    assert result.clean_text.splitlines() == ["规划类4条，其他信息2条。", "公示栏等其他方式公开。", "需要说明的其他事项：无。"]
    restored = [f for f in result.findings if f.kind is FindingKind.REPLACED_WORD]
    assert [(f.text, f.replacement, f.signal) for f in restored] == [("宏圖國際", "其他", "site-context")] * 3


def test_a_brand_glued_before_the_visible_title_is_removed_not_restored_from_the_body():
    # other pages show the visible title alone on its line; the body's 本报告由青川县 is no filler
    sisters = [page([f"本报告由青川县桃源乡人民政府编制，共{n}条。"]) for n in range(4)]
    hacked = page(["本报告由青川县桃源乡人民政府编制，共9条。"]).replace(">桃源乡</td>", ">汇赢娱乐平台下载桃源乡</td>")
    context = site_context((f"http://x/{n}.htm", site_text(html)) for n, html in enumerate(sisters + [hacked]))
    result = clean_page(hacked, url="http://x/4.htm", context=context.for_page("http://x/4.htm"))
    (f,) = [f for f in result.findings if f.field == "visible_title"]
    assert (f.text, f.action) == ("汇赢娱乐平台下载", Action.REMOVED)
    assert '<td class="titlestyle1">桃源乡</td>' in result.clean_html


def test_a_brand_before_a_departments_long_visible_title_is_removed_not_restored_from_the_body():
    # a department's visible title is its whole name, longer than the slot's context: other pages
    # open lines with that name (their visible titles, their report titles), so nothing stood before
    # it; the body's 本报告由 that opens another line before the same name is no filler
    unit = "青川县经济开发区管理委员会"

    def report(n: int) -> str:
        return page([f"{unit}202{n}年政府信息公开工作年度报告", f"本报告由{unit}根据《条例》编制，共{n}条。"],
                    title=f"{unit}-青川县人民政府").replace(">桃源乡</td>", f">{unit}</td>")

    sisters = [report(n) for n in range(4)]
    hacked = report(5).replace(f">{unit}</td>", f">汇赢娱乐平台下载{unit}</td>")
    context = site_context((f"http://x/{n}.htm", site_text(html)) for n, html in enumerate(sisters + [hacked]))
    result = clean_page(hacked, url="http://x/4.htm", context=context.for_page("http://x/4.htm"))
    (f,) = [f for f in result.findings if f.field == "visible_title"]
    assert (f.text, f.action) == ("汇赢娱乐平台下载", Action.REMOVED)
    assert f'<td class="titlestyle1">{unit}</td>' in result.clean_html


def test_a_unit_name_opening_with_tiyu_does_not_pull_a_township_name_into_the_brand():
    # 盛世体育平台 replaced 人民政府: 桃源乡 + 盛世 stands where the sports centre's pages write
    # 青川县 + 体育事业发展中心. The township's name is no part of the phrase
    texts = [f"本报告由青川县{t}人民政府根据《条例》编制。\n请与青川县{t}人民政府联系。"
             for t in ("木鱼镇", "桃源乡", "石桥乡", "乔庄镇") for _year in range(3)]
    texts += ["本报告由青川县体育事业发展中心根据《条例》编制。\n请与青川县体育事业发展中心联系。"] * 4
    raw = page(["本报告由青川县桃源乡盛世体育平台,盛世体育官方网站根据《条例》编制。",
                "请与青川县桃源乡盛世体育平台,盛世体育官方网站联系。"])
    result = clean_page(raw, url=URL, context=SiteContext.from_texts(texts))
    assert result.clean_text.splitlines() == ["本报告由青川县桃源乡人民政府根据《条例》编制。", "请与青川县桃源乡人民政府联系。"]


def test_a_field_restores_a_phrase_as_the_body_did_after_the_same_characters():
    # the issuer cell ends with the phrase (nothing after it to align on); the body put the
    # same phrase back as 人民政府 after the same two characters
    texts = [f"本报告由青川县桃源乡人民政府根据《条例》编制，共{n}条。" for n in range(6)]
    raw = page(["本报告由青川县桃源乡盛世体育平台根据《条例》编制，共9条。"], after_body="<p>发布机构：青川县桃源乡盛世体育平台</p>")
    result = clean_page(raw, url=URL, context=SiteContext.from_texts(texts))
    (f,) = [f for f in result.findings if f.field == "page"]
    assert (f.replacement, f.signal) == ("人民政府", "page-body")
    assert "发布机构：青川县桃源乡人民政府" in result.clean_html


def test_a_brand_in_quotes_is_the_hacks_when_the_page_carries_it_elsewhere():
    alone = page(["依法查处“鑫博体育官网”等赌博网站3个。"])
    assert clean_page(alone, url=URL).findings == ()  # the subject of anti-gambling prose
    hacked = page(["转发《鑫博体育官网规范体育彩票销售网点宣传行为的通知》，提醒群众远离非法网络赌博。", "印发鑫博体育官网做好政务公开工作的通知2份。"])
    result = clean_page(hacked, url=URL)
    assert "鑫博体育官网" not in result.clean_text


def test_legit_tail_does_not_hide_a_brand_and_blanks_go_with_removals():
    result = clean_page(page(["盛世体育平台,盛世体育官方网站 全年公开信息60条。"]), url=URL)
    (f,) = result.findings
    assert (f.kind, f.rule, f.text) == (
        FindingKind.REPLACED_WORD,
        "replaced-word-unrestored",
        "盛世体育平台,盛世体育官方网站 ",
    )
    assert result.clean_text == "全年公开信息60条。" == body_text(result.clean_html)


def test_unrestored_phrase_is_removed_and_marked():
    result = clean_page(page(["全年公开开云体育官网信息60条。"]), url=URL)
    (f,) = result.findings
    assert f.action is Action.REMOVED and f.replacement is None
    assert f.rule == "replaced-word-unrestored" and f.signal.endswith("unrestored")
    assert result.clean_text == "全年公开信息60条。"


def test_banner_line_inside_body():
    result = clean_page(page(["乐鱼体育官网入口、乐鱼体育app下载", "本年度公开信息80条。"]), url=URL)
    (f,) = result.findings
    assert f.kind is FindingKind.BANNER and f.rule == "banner-line"
    assert result.clean_text == "本年度公开信息80条。"


def test_text_only_copy_banner_and_placeholder_lines():
    text = f"{SEED_PHRASE}\n\n图片\n\n桃源乡\n\n除涉密事项外{SEED_PHRASE}信息均按时公开。\n"
    result = clean_page(text, url=URL)
    assert [(f.kind, f.rule) for f in result.findings] == [
        (FindingKind.BANNER, "banner-line"),
        (FindingKind.BANNER, "banner-image"),
        (FindingKind.REPLACED_WORD, "replaced-word"),
    ]
    assert result.clean_text == "桃源乡\n除涉密事项外其他信息均按时公开。"


def test_second_pass_is_composed_onto_raw_offsets():
    html = page(["政(zheng)政(zheng)政(zheng)体育平台"])
    result = clean_page(html, url=URL)
    check_contract(result, html)
    assert any(f.rule.endswith("+second-pass") for f in result.findings)
    assert clean_page(result.clean_html, url=URL).findings == ()


# --- fields --------------------------------------------------------------------------------------


def test_title_meta_source_fields():
    html = page(
        ["本年度公开信息80条。"],
        title="九游体育app-桃源乡-青川县人民政府",
        head='<meta name="description" content="米乐体育官网：桃源乡年度报告">',
        source="华体会体育平台",
    )
    result = clean_page(html, url=URL)
    by_field = {f.field: f for f in result.findings}
    assert by_field["title"].kind is FindingKind.TITLE_SPAM and by_field["title"].text == "九游体育app-"
    assert by_field["meta:description"].kind is FindingKind.META_SPAM
    assert (by_field["source"].kind, by_field["source"].start, by_field["source"].text) == (
        FindingKind.SOURCE_SPAM,
        0,
        "华体会体育平台",
    )
    doc = lxml_html.document_fromstring(result.clean_html)
    assert doc.findtext(".//title") == "桃源乡-青川县人民政府"
    assert doc.xpath('//meta[@name="description"]/@content') == ["桃源乡年度报告"]
    assert "来源：" in doc.text_content() and "华体会" not in doc.text_content()


# --- hidden blocks, scripts, frames ----------------------------------------------------------


def test_pinyin_interleaving():
    result = clean_page(page(["我乡落实政(zheng)府(fu)信(xin)息(xi)公(gong)开(kai)制度。"]), url=URL)
    (f,) = result.findings
    assert (f.kind, f.replacement, f.action) == (FindingKind.PINYIN, "政府信息公开", Action.RESTORED)
    assert result.clean_text == "我乡落实政府信息公开制度。"


@pytest.mark.skipif(not convert.available(), reason="opencc-python-reimplemented not installed")
def test_traditional_conversion_recorded():
    html = page(["本報告根據條例編製，統計期限為一年。", "工作质量显著提升。"])
    result = clean_page(html, url=URL)
    assert result.clean_text == "本报告根据条例编制，统计期限为一年。\n工作质量显著提升。"
    assert {f.kind for f in result.findings} == {FindingKind.TRADITIONAL}


# --- negatives ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "县文化体育和旅游局新建体育场2个，体育馆全年免费开放。",
        "依托政务平台和信息公开平台发布信息，其他信息按月更新。",
        "转发《关于查处“必威体育”等境外赌博网站的通知》。",
        "皇冠村、皇冠社区换届信息已公开，金沙江沿线步道完成改造。",
        "公开中国体育彩票公益金使用情况，群众可通过“天府通办”APP下载表格。",
        "主动公开（a）类信息38条，政府网站(www.qc.gov.cn)访问量12万次。",
        "全县体育平台建设完成，开展网络赌博专项整治宣传。",
        "推进国际合作项目，电子政务外网覆盖全部村。",
        "组织干部学习强国app下载注册，推广国家反诈中心APP下载。",
        "通过县政府官网入口和政务服务网统一登录入口办理，中国福利彩票网站同步公开。",
        "项目在公共资源电子交易平台公开招标。",
    ],
)
def test_legitimate_text_survives(text):
    result = clean_page(page([text]), url=URL)
    assert result.findings == ()


def test_benign_hidden_scripts_and_links_survive():
    tail = (
        '<div style="display:none"><a href="/a.htm">机构概况</a></div>'
        '<script>var hm=document.createElement("script");hm.src="https://hm.baidu.com/hm.js?x";</script>'
        '<div><a href="http://www.sc.gov.cn/">四川</a><a href="http://www.gy.gov.cn/">广元</a><a href="http://www.jg.gov.cn/">剑阁</a></div>'
    )
    assert clean_page(page(["本年度公开信息80条。"], tail=tail), url=URL).findings == ()


# --- contract helpers ----------------------------------------------------------------------------------


def test_findings_to_json_shape():
    result = clean_page(fixture("seed_style.html"), url=URL)
    rows = findings_to_json(result.findings)
    assert {tuple(sorted(r)) for r in rows} == {
        tuple(
            sorted(("text", "rule", "kind", "action", "replacement", "confidence", "field", "start", "end", "signal"))
        )
    }
    json.dumps(rows, ensure_ascii=False)
    assert rows[0]["kind"] == "replaced_word" and rows[0]["action"] == "restored"


def test_apply_findings_rejects_overlap():
    a = Finding(FindingKind.BANNER, "r", Action.REMOVED, "ab", None, 1.0, "body", 0, 2, "s")
    b = Finding(FindingKind.BANNER, "r", Action.REMOVED, "b", None, 1.0, "body", 1, 2, "s")
    with pytest.raises(ValueError):
        apply_findings("abc", [a, b])
    assert apply_findings("abc", [a]) == "c"


def test_site_context_construction_is_cheap_and_reads_html_captures():
    texts = ["规划类3条，其他信息2条。" * 50] * 3000
    started = time.perf_counter()
    context = SiteContext.from_texts(texts, max_chars=500_000)
    assert time.perf_counter() - started < 0.5
    assert len(context.corpus) <= 500_000
    assert context.slot_fillers("条，", "信息")["其他"] > 0
    captured = SiteContext.from_texts([], other_captures=[page(["其他信息2条。"])])
    # an HTML capture reads as its body text first, then the rest of the page and its fields
    # (title, meta), where a replaced word can stand too
    (text,) = captured.other_texts
    assert text.split("\n")[0] == "其他信息2条。"
    assert "青川县人民政府" in text.split("\n")[1:]


def test_empty_and_junk_input():
    for html in ("", "   ", "<", "<!-- x -->", "\x00", "<html></html>"):
        result = clean_page(html, url="")
        assert result.findings == () and result.clean_html == html


# --- evaluation targets ------------------------------------------------------------------------------


def test_evaluation_meets_targets():
    spec = importlib.util.spec_from_file_location("spam_eval", ROOT / "bench" / "spam_eval.py")
    spam_eval = importlib.util.module_from_spec(spec)
    sys.modules["spam_eval"] = spam_eval
    spec.loader.exec_module(spam_eval)
    cases = spam_eval.generate()
    assert len(cases) >= 300 and sum(c["kind"] == "negative" for c in cases) >= 100
    scores, problems = spam_eval.evaluate(cases)
    total = spam_eval.overall(scores)
    assert total.recall >= 0.99, problems
    assert total.precision >= 0.995, problems
    assert total.restoration >= 0.95, problems
