"""Cleaning of spam outside the report's words: hidden blocks wherever they stand, visible link
farms, script-written links, off-site iframes (a government iframe is kept), and an iframe's
fallback text beside a spam line."""

from __future__ import annotations

import pytest

from pipelines.cleaning import FindingKind, clean_page
from tests.test_cleaning import URL, check_contract, kinds, page


@pytest.mark.parametrize(
    "attrs",
    [
        'style="display:none"',
        'style="visibility: hidden"',
        "hidden",
        'style="width:0;height:0;overflow:hidden"',
        'style="position:absolute;left:-9999px"',
        'style="text-indent:-3000px"',
    ],
)
@pytest.mark.parametrize("where", ["in_body", "after_body", "tail"])
def test_hidden_blocks(attrs, where):
    block = (
        f'<div {attrs}><a href="https://hg0088.vip/">在线娱乐</a><a href="http://pk10.example.top/">快乐彩</a></div>'
    )
    html = page(
        ["本年度公开信息80条。" + (block if where == "in_body" else "")],
        after_body=block if where == "after_body" else "",
        tail=block if where == "tail" else "",
    )
    result = clean_page(html, url=URL)
    check_contract(result, html)
    assert kinds(result) == ["hidden_block"]
    assert "hg0088" not in result.clean_html
    assert result.clean_text == "本年度公开信息80条。"


def test_visible_link_farm():
    links = "".join(
        f'<li><a href="https://{h}/">{t}</a></li>'
        for h, t in [("bet365-vip.com", "体育投注"), ("xpj8866.net", "新葡京"), ("casino88.xyz", "真人视讯")]
    )
    result = clean_page(page(["本年度公开信息80条。"], tail=f"<ul>{links}</ul>"), url=URL)
    assert [(f.kind, f.rule) for f in result.findings] == [(FindingKind.HIDDEN_BLOCK, "offsite-link-block")]


@pytest.mark.parametrize(
    "script",
    [
        "<script>document.write('<a href=\"https://xpj8866.net/\">x</a>');</script>",
        '<script>var a=document.createElement("a");a.href="//kaiyun-sports.cc/";document.body.appendChild(a);</script>',
        "<script>document.write(unescape('%3Ca%20href%3D%22https%3A%2F%2Fhg0088.vip%2F%22%3E'));</script>",
        '<script src="https://leyu-app.top/tj.js"></script>',
    ],
)
def test_script_links(script):
    result = clean_page(page(["本年度公开信息80条。"], tail=script), url=URL)
    assert kinds(result) == ["script_link"]


def test_offsite_iframe_removed_and_gov_iframe_kept():
    html = page(
        ["本年度公开信息80条。"],
        tail='<iframe src="https://casino88.xyz/a.html" width="0"></iframe><iframe src="http://www.sc.gov.cn/v.html"></iframe>',
    )
    result = clean_page(html, url=URL)
    assert kinds(result) == ["iframe"]
    assert "www.sc.gov.cn" in result.clean_html


def test_an_iframe_fallback_text_and_a_spam_line_around_it_do_not_overlap():
    # hypothesis found it: the line is spam as a whole, but the iframe's text is already taken
    html = '必威必威其他<iframe src="//casino88.xyz/">其他'
    result = clean_page(html, url=URL)
    check_contract(result, html)
    assert result.clean_text == "其他"


# --- pinyin and traditional -----------------------------------------------------------------------
