"""HTML of the national template's tables, laid out as published (spans included), with the
metric id of every number written, so the generator knows the truth cell by cell."""

from __future__ import annotations

import random

Truth = dict[str, float]

APPLICANTS = (("natural", "自然人"), ("commercial", "商业企业"), ("research", "科研机构"),
              ("nonprofit", "社会公益组织"), ("legal_service", "法律服务机构"), ("other_org", "其他"), ("", "总计"))

REFUSED = (("state_secret", "1.属于国家秘密"), ("law_prohibited", "2.其他法律行政法规禁止公开"),
           ("security_stability", "3.危及“三安全一稳定”"), ("third_party", "4.保护第三方合法权益"),
           ("internal_affairs", "5.属于三类内部事务信息"), ("process_info", "6.属于四类过程性信息"),
           ("enforcement_files", "7.属于行政执法案卷"), ("query_matters", "8.属于行政查询事项"))
UNAVAILABLE = (("not_held", "1.本机关不掌握相关政府信息"), ("needs_creation", "2.没有现成信息需要另行制作"),
               ("unclear", "3.补正后申请内容仍不明确"))
NOT_PROCESSED = (("complaint", "1.信访举报投诉类申请"), ("repeat", "2.重复申请"),
                 ("publication", "3.要求提供公开出版物"), ("mass_repeat", "4.无正当理由大量反复申请"),
                 ("confirmation", "5.要求行政机关确认或重新出具已获取信息"))
OTHER_REVISED = (("no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
                 ("unpaid_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
                 ("misc", "3.其他"))


WORD_STYLE = [False]    # set by the page generator: cells as a word processor exports them


def td(text, *, rows: int = 1, cols: int = 1, tag: str = "td") -> str:
    span = (f' rowspan="{rows}"' if rows > 1 else "") + (f' colspan="{cols}"' if cols > 1 else "")
    if WORD_STYLE[0]:
        inner = (f'<p class="MsoNormal" align="center"><span style="font-family:仿宋_GB2312">'
                 f'<font size="2">{text}</font></span><span lang="EN-US"><o:p></o:p></span></p>')
        return f'<{tag}{span} width="47" valign="center" style="border:solid windowtext 1.0pt">{inner}</{tag}>'
    return f'<{tag}{span} style="border:1px solid #000"><p style="text-align:center">{text}</p></{tag}>'


def _n(rng: random.Random, hi: int = 6) -> int:
    return rng.choice((0, 0, 0, rng.randint(0, hi), rng.randint(1, 40)))


def items_table(rng: random.Random, revised: bool, truth: Truth) -> str:
    rows = []
    rows.append("<tr>" + td("第二十条第（一）项", cols=4) + "</tr>")
    if revised:
        head = ("本年制发件数", "本年废止件数", "现行有效件数")
        suffixes = ("issued", "repealed", "in_force")
        labels = (("rules", "规章"), ("docs", "行政规范性文件"))
    else:
        head = ("本年新制作数量", "本年新公开数量", "对外公开总数量")
        suffixes = ("issued", "published", "public_total")
        labels = (("rules", "规章"), ("docs", "规范性文件"))
    rows.append("<tr>" + td("信息内容") + "".join(td(h) for h in head) + "</tr>")
    for prefix, label in labels:
        cells = []
        for suffix in suffixes:
            value = _n(rng)
            truth[f"{prefix}_{suffix}"] = value
            cells.append(td(value))
        rows.append("<tr>" + td(label) + "".join(cells) + "</tr>")
    if revised:
        blocks = (("第二十条第（五）项", "本年处理决定数量", (("licences", "行政许可"),)),
                  ("第二十条第（六）项", "本年处理决定数量", (("penalties", "行政处罚"), ("compulsions", "行政强制"))),
                  ("第二十条第（八）项", "本年收费金额（单位：万元）", (("fees", "行政事业性收费"),)))
        for heading, column, items in blocks:
            rows.append("<tr>" + td(heading, cols=4) + "</tr>")
            rows.append("<tr>" + td("信息内容") + td(column, cols=3) + "</tr>")
            for metric, label in items:
                value = round(rng.uniform(0, 30), 2) if metric == "fees" and rng.random() < 0.5 else _n(rng, 90)
                truth[metric] = value
                text = f"{value:.2f}" if isinstance(value, float) else str(value)
                rows.append("<tr>" + td(label) + td(text, cols=3) + "</tr>")
    else:
        blocks = (("第二十条第（五）项", (("licences", "行政许可"), ("other_services", "其他对外管理服务事项"))),
                  ("第二十条第（六）项", (("penalties", "行政处罚"), ("compulsions", "行政强制"))))
        for heading, items in blocks:
            rows.append("<tr>" + td(heading, cols=4) + "</tr>")
            rows.append("<tr>" + td("信息内容") + td("上一年项目数量") + td("本年增/减") + td("处理决定数量") + "</tr>")
            for metric, label in items:
                a, b, c = _n(rng), rng.choice((0, 1, -1, 2)), _n(rng, 90)
                truth.update({f"{metric}_items_prev_year": a, f"{metric}_items_change": b, metric: c})
                rows.append("<tr>" + td(label) + td(a) + td(b) + td(c) + "</tr>")
        rows.append("<tr>" + td("第二十条第（八）项", cols=4) + "</tr>")
        rows.append("<tr>" + td("信息内容") + td("上一年项目数量") + td("本年增/减", cols=2) + "</tr>")
        a, b = _n(rng), rng.choice((0, 1))
        truth.update({"fees_items_prev_year": a, "fees_items_change": b})
        rows.append("<tr>" + td("行政事业性收费") + td(a) + td(b, cols=2) + "</tr>")
        rows.append("<tr>" + td("第二十条第（九）项", cols=4) + "</tr>")
        rows.append("<tr>" + td("信息内容") + td("采购项目数量", cols=2) + td("采购总金额") + "</tr>")
        a, b = _n(rng), round(rng.uniform(0, 50), 1)
        truth.update({"procurement_items": a, "procurement_amount": b})
        rows.append("<tr>" + td("政府集中采购") + td(a, cols=2) + td(b) + "</tr>")
    return '<table border="1" cellspacing="0" width="100%"><tbody>' + "".join(rows) + "</tbody></table>"


def applications_table(rng: random.Random, revised: bool, truth: Truth) -> str:
    def values(row_id: str) -> str:
        nums = [rng.choice((0, 0, 0, 0, 1, 2)) for _ in range(6)]
        nums.append(sum(nums))
        cells = []
        for (suffix, _), value in zip(APPLICANTS, nums):
            truth[f"{row_id}_{suffix}" if suffix else row_id] = value
            cells.append(td(value))
        return "".join(cells)

    rows = [
        "<tr>" + td("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rows=3, cols=3)
        + td("申请人情况", cols=7) + "</tr>",
        "<tr>" + td("自然人", rows=2) + td("法人或其他组织", cols=5) + td("总计", rows=2) + "</tr>",
        "<tr>" + "".join(td(label) for _, label in APPLICANTS[1:6]) + "</tr>",
        "<tr>" + td("一、本年新收政府信息公开申请数量", cols=3) + values("applications_new") + "</tr>",
        "<tr>" + td("二、上年结转政府信息公开申请数量", cols=3) + values("applications_carried_in") + "</tr>",
    ]
    other = OTHER_REVISED if revised else ()
    total_rows = 2 + len(REFUSED) + len(UNAVAILABLE) + len(NOT_PROCESSED) + (len(other) or 1) + 1
    partial = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" if revised else "（二）部分公开"
    rows.append("<tr>" + td("三、本年度办理结果", rows=total_rows) + td("（一）予以公开", cols=2)
                + values("applications_granted") + "</tr>")
    rows.append("<tr>" + td(partial, cols=2) + values("applications_partial") + "</tr>")
    for group, label, items in (("refused", "（三）不予公开", REFUSED), ("unavailable", "（四）无法提供", UNAVAILABLE),
                                ("not_processed", "（五）不予处理", NOT_PROCESSED)):
        for i, (key, item) in enumerate(items):
            lead = td(label, rows=len(items)) if i == 0 else ""
            rows.append("<tr>" + lead + td(item) + values(f"applications_{group}_{key}") + "</tr>")
    if other:
        for i, (key, item) in enumerate(other):
            lead = td("（六）其他处理", rows=len(other)) if i == 0 else ""
            rows.append("<tr>" + lead + td(item) + values(f"applications_other_{key}") + "</tr>")
    else:
        rows.append("<tr>" + td("（六）其他处理", cols=2) + values("applications_other_handling") + "</tr>")
    rows.append("<tr>" + td("（七）总计", cols=2) + values("applications_handled") + "</tr>")
    rows.append("<tr>" + td("四、结转下年度继续办理", cols=3) + values("applications_carried_over") + "</tr>")
    return '<table border="1" cellspacing="0" width="100%"><tbody>' + "".join(rows) + "</tbody></table>"


def review_table(rng: random.Random, truth: Truth, *, blank_zero: bool = False) -> str:
    results = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    keys = ("maintained", "corrected", "other", "pending", "total")
    rows = ["<tr>" + td("行政复议", cols=5) + td("行政诉讼", cols=10) + "</tr>",
            "<tr>" + "".join(td(r, rows=2) for r in results) + td("未经复议直接起诉", cols=5)
            + td("复议后起诉", cols=5) + "</tr>",
            "<tr>" + "".join(td(r) for r in results) * 2 + "</tr>"]
    cells = []
    for group in ("review", "litigation", "litigation_after_review"):
        nums = [rng.choice((0, 0, 0, 1)) for _ in range(4)]
        nums.append(sum(nums))
        for key, value in zip(keys, nums):
            truth[f"{group}_{key}"] = value
            cells.append(td(value))
    rows.append("<tr>" + "".join(cells) + "</tr>")
    return '<table border="1" cellspacing="0" width="100%"><tbody>' + "".join(rows) + "</tbody></table>"
