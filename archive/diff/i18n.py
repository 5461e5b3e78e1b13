"""The words of the HTML and text pages, in Chinese (default) and English.

Metric, section and template names come from ``archive.metrics.catalogue``; this module holds the
page's own words and the names of the program's enumerations (comparison kinds, relations, spam
finding kinds and actions, report fields), so no program id reaches a reader.
"""

from __future__ import annotations

from archive.metrics.catalogue import Lang

_WORDS: dict[str, tuple[str, str]] = {
    "diff_title_years": ("{unit} {a} → {b} 年度报告对比", "{unit}: {a} → {b} annual reports compared"),
    "diff_title_captures": ("{unit} {y}年报告：两次存档对比（第{a}版 → 第{b}版）",
                            "{unit} {y} report: two captures compared (v{a} → v{b})"),
    "from": ("对比起点", "from"),
    "to": ("对比终点", "to"),
    "version": ("第{n}版", "v{n}"),
    "published": ("发布日期", "published"),
    "template": ("报告格式", "template"),
    "similarity": ("正文相似度", "text similarity"),
    "template_changed": ("报告格式变化：{a} → {b}。统计数据按对照表比较，见每行的“可比性”。",
                         "Template changed: {a} → {b}. Figures are compared through the concordance; "
                         "see each row's comparability."),
    "red_flag": ("警示", "RED FLAG"),
    "field_changes": ("字段变化", "Field changes"),
    "field": ("字段", "field"),
    "spam_changes": ("垃圾信息变化", "Spam findings"),
    "change": ("变化", "change"),
    "kind": ("类型", "kind"),
    "injected": ("注入文字", "injected text"),
    "restored_word": ("恢复的原词", "restored"),
    "appeared": ("新出现", "appeared"),
    "vanished": ("已消失", "vanished"),
    "statistics": ("统计数据", "Statistics"),
    "metric": ("指标", "metric"),
    "delta": ("增减", "change"),
    "pct": ("变化率", "%"),
    "unit": ("计量单位", "unit"),
    "comparability": ("可比性", "comparability"),
    "stats_summary": ("共 {n} 项：可比 {comparable} 项，口径变化 {changed_definition} 项，新增 {new} 项，"
                      "不再报告 {dropped} 项，仅一方填报 {one_side} 项。",
                      "{n} rows: {comparable} comparable, {changed_definition} changed definition, {new} new, "
                      "{dropped} no longer reported, {one_side} stated by one report only."),
    "zero_rows": ("另有 {n} 行为零（双方均为零，或仅一方填报且为零）", "{n} more rows are zero (on both sides, "
                  "or stated by one report only and zero)"),
    "text": ("正文对比", "Text"),
    "preamble": ("（导语）", "(preamble)"),
    "none": ("无", "none"),
    "no_warc": ("无 WARC 记录", "no WARC record"),
    "captured": ("抓取时间", "captured"),
    "record": ("记录", "record"),
    "offset": ("偏移", "offset"),
    "trends_title": ("{unit}：历年统计数据", "{unit}: figures across years"),
    "trends_all": ("全部报告单位", "all reporting units"),
    "trends_intro": ("每年取该年报告的最新存档版本。跨报告格式的数字按对照表连接：口径相同或仅改名的用实线，"
                     "口径变化处用虚线并在表中以 † 标出。每个数据点链接到其报告与 WARC 引用。",
                     "Each year uses the newest archived version of that year's report. Across templates the "
                     "figures are joined through the concordance: a solid line where the measure is the same or "
                     "only renamed, a dashed one where its definition changed (marked † in the table). Every "
                     "point links to its report and WARC citation."),
    "trends_shown": ("显示至少 {k} 年有数据的指标 {n} 项；另有 {m} 项只有一年的数据未绘图。",
                     "{n} metrics with figures in at least {k} years are charted; {m} with fewer are not."),
    "all_zero": ("以下 {n} 项各年均为 0", "{n} metrics are 0 in every year"),
    "trends_few": ("以下 {n} 项不足 {k} 年有数据，未绘图", "{n} metrics with figures in fewer than {k} years "
                   "(not charted)"),
    "year": ("年份", "year"),
    "unit_name": ("报告单位", "reporting unit"),
    "definition_changed": ("† 与上一年口径不同", "† measured otherwise than the year before"),
    "reports_and_citations": ("报告与引用", "Reports and citations"),
    "no_statistics": ("没有存档的统计数据。", "No statistics archived."),
    "township": ("乡镇", "township"),
    "value": ("数值", "value"),
    "renamed_from": ("改名（原称“{w}”）", "renamed (was “{w}”)"),
    "new_in": ("{t}新增", "new in the {t}"),
    "dropped_in": ("{t}不再报告", "not in the {t}"),
    "only_in": ("仅{y}填报", "stated in {y} only"),
    "year_suffix": ("{y}年", "{y}"),
    "dossier_title": ("{unit}：政府信息公开工作年度报告档案", "{unit}: annual disclosure reports, a dossier"),
    "dossier_intro": ("本档案汇集存档中{unit}的全部年度报告：每份报告的每个存档版本及其 WARC 引用、历年统计数据"
                      "（按对照表跨格式比较）、同一报告在不同抓取之间的改动、页面上被清除或恢复的垃圾信息及证据，"
                      "以及与其他单位的雷同比对。页面不含任何脚本，可离线打开和打印。",
                      "Everything the archive holds about {unit}'s annual reports: every archived version of "
                      "each report with its WARC citation, the figures across years (compared across templates "
                      "through the concordance), what changed between captures of the same report, the spam "
                      "removed or restored on its pages with the evidence, and copy-paste matches with other "
                      "units. The page carries no script; it opens offline and prints."),
    "dossier_summary": ("报告 {reports} 份（{years}），存档版本 {versions} 个；静默修改 {edits} 处；"
                        "垃圾信息 {spam} 条，涉及 {spam_pages} 份报告；雷同匹配 {pairs} 对。",
                        "{reports} reports ({years}), {versions} archived versions; {edits} silent edits; "
                        "{spam} spam findings on {spam_pages} reports; {pairs} copy-paste matches."),
    "reports": ("历年报告", "Reports by year"),
    "figures": ("历年数据", "Figures across years"),
    "edits": ("同一报告的改动（静默修改）", "Changes between captures (silent edits)"),
    "spam": ("垃圾信息及证据", "Spam found, with the evidence"),
    "similar": ("雷同比对", "Copy-paste (雷同) matches"),
    "title": ("标题", "title"),
    "period": ("统计期限", "period"),
    "source": ("来源", "source"),
    "issuer": ("发布机构", "issuer"),
    "versions": ("版本", "versions"),
    "citation": ("引用", "citation"),
    "report_year": ("年度", "year"),
    "no_edits": ("未发现：每份报告的各次抓取内容一致（存档中每页只有一个内容版本）。",
                 "None: every capture of each report had the same content (one version per page)."),
    "edit_heading": ("{y}年报告：第{a}版 → 第{b}版", "{y} report: v{a} → v{b}"),
    "captured_between": ("第{a}版最后一次抓取 {la}；第{b}版首次抓取 {fb}", "v{a} last captured {la}; v{b} first captured {fb}"),
    "changed_figures": ("改动的数字", "Changed figures"),
    "changed_text": ("改动的正文", "Changed text"),
    "no_spam": ("未发现垃圾信息。", "No spam found."),
    "spam_heading": ("{y}年报告 第{n}版（首次抓取 {t}）：{k} 条", "{y} report v{n} (first captured {t}): {k} findings"),
    "suspected_count": ("；另有疑似 {n} 处，未改动", "; {n} more suspected, left in place"),
    "where": ("位置", "where"),
    "action": ("处理", "action"),
    "evidence": ("证据（原文上下文）", "evidence (raw text around it)"),
    "signal": ("判断依据", "signal"),
    "confidence": ("置信度", "confidence"),
    "times": ("次数", "times"),
    "more_findings": ("其余 {n} 组", "{n} more groups"),
    "threshold": ("阈值 {t}：两份报告的非模板文字（去除国家格式用语、数字归一）相似度达到阈值且共有至少 80 个特征片段才算雷同。",
                  "Threshold {t}: two reports match when their distinctive text (template wording cut out, "
                  "numbers folded) reaches it and they share at least 80 shingles."),
    "no_pairs": ("未发现雷同。", "No copy-paste match."),
    "other_report": ("对方报告", "other report"),
    "relation": ("关系", "relation"),
    "shared_shingles": ("共有片段", "shared shingles"),
    "shared_passages": ("共有文字", "shared passages"),
    "neighbours": ("最相近的报告", "Nearest reports"),
    "this_report": ("本单位报告", "this unit's report"),
}

_COMPARISON = {
    "comparable": ("可比", "comparable"),
    "changed_definition": ("口径变化", "definition changed"),
    "new": ("新增", "new"),
    "dropped": ("不再报告", "no longer reported"),
    "one_side": ("仅一方填报", "one side only"),
}
_RELATION = {
    "same": ("口径相同", "same measure"),
    "renamed": ("改名", "renamed"),
    "narrower": ("口径变窄", "narrower"),
    "wider": ("口径变宽", "wider"),
}
_FINDING_KIND = {
    "banner": ("横幅广告", "banner"),
    "replaced_word": ("词语被替换", "replaced word"),
    "title_spam": ("标题注入", "title spam"),
    "meta_spam": ("元数据注入", "meta tag spam"),
    "source_spam": ("来源字段注入", "source field spam"),
    "hidden_block": ("隐藏链接块", "hidden link block"),
    "script_link": ("脚本写入的链接", "script-written links"),
    "iframe": ("隐藏框架", "hidden frame"),
    "pinyin": ("拼音夹注", "inline pinyin"),
    "traditional": ("繁体字转换", "traditional characters"),
}
_ACTION = {"removed": ("已删除", "removed"), "restored": ("已恢复原词", "restored"),
           "suspected": ("疑似，未改动", "suspected, left in place")}
_FIELD = {
    "title": ("标题", "title"), "visible_title": ("页面标题", "visible title"), "body": ("正文", "body"),
    "page": ("页面", "page"), "source": ("来源", "source"), "meta:keywords": ("关键词元数据", "meta keywords"),
    "meta:description": ("描述元数据", "meta description"), "township": ("乡镇", "township"),
    "report_year": ("报告年度", "report year"), "published_date": ("发布日期", "publication date"),
    "published_at": ("发布时间", "publication time"), "issuer": ("发布机构", "issuer"),
    "index_no": ("索引号", "index number"), "doc_no": ("文号", "document number"),
    "period_start": ("统计期起", "period start"), "period_end": ("统计期止", "period end"),
    "attachments": ("附件", "attachments"), "unit": ("报告单位", "reporting unit"),
    "unit_kind": ("单位类别", "kind of unit"),
}
_SIGNAL = {
    "lexicon": ("词库", "phrase lexicon"), "site-context": ("与同站其他页面比对", "other pages of the site"),
    "other-capture": ("与其他存档版本比对", "other captures"), "known-map": ("已知替换表", "known replacements"),
    "hidden-style": ("隐藏样式", "hidden style"), "register": ("赌博/色情用语", "gambling vocabulary"),
    "traditional": ("繁简转换", "traditional/simplified"), "offsite-host": ("站外地址", "off-site host"),
    "offsite-links": ("站外链接", "off-site links"), "adjacent-banner": ("紧邻横幅", "next to a banner"),
    "pinyin": ("拼音夹注", "inline pinyin"), "unrestored": ("原词无法确定", "original word unknown"),
    "brand-shape": ("品牌词形", "brand-like phrase"), "site-repeated": ("全站重复出现", "repeated site-wide"),
    "spam-line": ("垃圾信息行", "spam line"),
}


_SIMILAR = {
    "same_township_other_year": ("同一单位的其他年份", "same unit, other year"),
    "same_year_other_township": ("同年其他单位", "same year, other unit"),
}


def similar_relation(value: str, lang: Lang | str = Lang.ZH) -> str:
    return _pick(_SIMILAR.get(value, (value, value)), lang)


def _pick(pair: tuple[str, str], lang: Lang | str) -> str:
    return pair[1] if lang == Lang.EN else pair[0]


def word(key: str, lang: Lang | str = Lang.ZH, **values) -> str:
    text = _pick(_WORDS[key], lang)
    return text.format(**values) if values else text


def comparison_name(value: str, lang: Lang | str = Lang.ZH) -> str:
    return _pick(_COMPARISON.get(value, (value, value)), lang)


def relation_name(value: str | None, lang: Lang | str = Lang.ZH) -> str:
    return "" if value is None else _pick(_RELATION.get(value, (value, value)), lang)


def finding_kind(value: str, lang: Lang | str = Lang.ZH) -> str:
    return _pick(_FINDING_KIND.get(value, (value, value)), lang)


def action_name(value: str, lang: Lang | str = Lang.ZH) -> str:
    return _pick(_ACTION.get(value, (value, value)), lang)


def field_name(value: str, lang: Lang | str = Lang.ZH) -> str:
    return _pick(_FIELD.get(value, (value, value)), lang)


def signal_name(value: str, lang: Lang | str = Lang.ZH) -> str:
    """Signals may be joined with ``+`` (``hidden-style+offsite-links``): each part is named."""
    joiner = " + " if lang == Lang.EN else "、"
    return joiner.join(_pick(_SIGNAL.get(part, (part, part)), lang) for part in value.split("+"))


def program_ids() -> frozenset[str]:
    """Every enumeration value this module names (tests check none reaches visible text)."""
    return frozenset([*_COMPARISON, *_RELATION, *_FINDING_KIND, *_ACTION, *_SIMILAR])
