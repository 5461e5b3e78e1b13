"""The pieces every replica report is made of: blocks, statistics, the period sentence and the
national template's tables, shared by township (:mod:`replica.texts`) and department
(:mod:`replica.unit_texts`) reports.

A report is a list of blocks (paragraphs and tables) plus the statistics it states. Three
templates: ``prose-2016`` (2016-2018, figures inline), ``trial-2019`` (the national template's
trial format) and ``revised-2021`` (the revised format, different rows and columns).

Metric ids in ``statistics`` (value units in brackets):

=============================== ============================================================
metric                          meaning
=============================== ============================================================
active_total                    政府信息主动公开总数 (条)
active_website                  of which through the county portal (条)
active_<category>               portal items per category: plans, dynamics, public_opinion,
                                policy, finance, other (条) - prose reports only
active_offline                  through notice boards, meetings, broadcasts (条)
public_responses                回应群众事件数 (条)
meetings                        召开会议 (次)
trainings                       举办培训班 (次)
trainees                        培训人数 (人次, qualifier ``more_than`` for 余)
docs_made / docs_published /    规范性文件 本年新制作 / 本年新公开 / 对外公开总数 (件), trial
docs_public_total
docs_issued / docs_repealed /   行政规范性文件 本年制发 / 本年废止 / 现行有效 (件), revised
docs_in_force
licences                        行政许可 处理决定数量 (件)
penalties                       行政处罚 处理决定数量 (件)
compulsions                     行政强制 处理决定数量 (件)
fees                            行政事业性收费 金额 (万元), revised only
applications_new                本年新收申请 总计 (件)
applications_new_natural        of which from natural persons (件)
applications_carried_in         上年结转 (件)
applications_granted            予以公开 (件)
applications_partial            部分公开 (件)
applications_unavailable        无法提供 (件)
applications_handled            办理结果 总计 (件)
applications_carried_over       结转下年度继续办理 (件)
review_<result>                 行政复议: maintained, corrected, other, pending, total (件)
litigation_<result>             行政诉讼 (未经复议直接起诉): same results (件)
=============================== ============================================================
"""

from __future__ import annotations

from dataclasses import dataclass

from replica.townships import Figures

PROSE = "prose-2016"
TRIAL = "trial-2019"
REVISED = "revised-2021"


@dataclass(frozen=True, slots=True)
class Stat:
    metric: str
    value: int | float
    unit: str | None
    qualifier: str | None = None


@dataclass(frozen=True, slots=True)
class Para:
    text: str
    heading: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    rows: tuple[tuple[str, ...], ...]   # first row is the header


Block = Para | Table


@dataclass(frozen=True, slots=True)
class Options:
    """Per-report choices, drawn once by the generator so rendering stays deterministic."""

    period_variant: int = 0
    period_typo: bool = False
    sports: bool = False          # a legitimate 文化体育 sentence
    quoted_doc: bool = False      # a quoted document title with a brand-like word
    pool_offset: int = 0
    revision: str | None = None   # a sentence replacing the closing paragraph (mutations)


@dataclass(frozen=True, slots=True)
class ReportText:
    title: str
    template: str
    issuer: str
    period_start: str
    period_end: str
    blocks: tuple[Block, ...]
    statistics: tuple[Stat, ...]


def template_for(year: int) -> str:
    if year < 2019:
        return PROSE
    return TRIAL if year < 2021 else REVISED


def period_sentence(year: int, options: Options) -> str:
    start = f"{year}1月1日" if options.period_typo else f"{year}年1月1日"
    variants = (
        f"所列数据统计期限从{start}起至{year}年12月31日止",
        f"统计期限为{start}起至12月31日止",
        f"统计数据时限为{start}至{year}年12月31日",
        f"统计期限自{start}起至12月31日止",
    )
    return variants[options.period_variant % len(variants)]



CHINESE_NUMERALS = "一二三四五六七八九十"


def pick(pool: tuple[str, ...], count: int, offset: int) -> list[str]:
    return [pool[(offset + i) % len(pool)] for i in range(count)]


def number_headings(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    number = 0
    for block in blocks:
        if isinstance(block, Para) and block.heading:
            block = Para(f"{CHINESE_NUMERALS[number]}、{block.text}", heading=True)
            number += 1
        out.append(block)
    return out



APP_COLUMNS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")

def headline_stats(f: Figures) -> list[Stat]:
    """What every national-template report states in its overview."""
    return [
        Stat("active_total", f.active_total, "条"),
        Stat("active_website", f.website_total, "条"),
        Stat("active_offline", f.offline_total, "条"),
        Stat("public_responses", f.responses, "条"),
        Stat("meetings", f.meetings, "次"),
        Stat("trainings", f.trainings, "次"),
        Stat("trainees", f.trainees, "人次", "more_than"),
    ]


def national_tables(f: Figures, stats: list[Stat], *, revised: bool) -> list[Block]:
    """Sections two to four of the national template: its three tables under their headings."""
    active = revised_active(f, stats) if revised else trial_active(f, stats)
    apps = applications(f, stats, revised=revised)
    reviewed = review(f, stats)
    return [
        Para("主动公开政府信息情况", heading=True),
        *active,
        Para("收到和处理政府信息公开申请情况", heading=True),
        apps,
        Para("政府信息公开行政复议、行政诉讼情况", heading=True),
        reviewed,
    ]


def trial_active(f: Figures, stats: list[Stat]) -> list[Block]:
    stats += [
        Stat("docs_made", f.docs_made, "件"),
        Stat("docs_published", f.docs_published, "件"),
        Stat("docs_public_total", f.docs_in_force, "件"),
        Stat("licences", f.licences, "件"),
        Stat("penalties", f.penalties, "件"),
        Stat("compulsions", f.compulsions, "件"),
    ]
    return [
        Table((
            ("第二十条第（一）项", "", "", ""),
            ("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"),
            ("规章", "0", "0", "0"),
            ("规范性文件", str(f.docs_made), str(f.docs_published), str(f.docs_in_force)),
            ("第二十条第（五）项", "", "", ""),
            ("信息内容", "上一年项目数量", "本年增/减", "处理决定数量"),
            ("行政许可", "0", "0", str(f.licences)),
            ("其他对外管理服务事项", "0", "0", "0"),
            ("第二十条第（六）项", "", "", ""),
            ("信息内容", "上一年项目数量", "本年增/减", "处理决定数量"),
            ("行政处罚", "0", "0", str(f.penalties)),
            ("行政强制", "0", "0", str(f.compulsions)),
            ("第二十条第（八）项", "", "", ""),
            ("信息内容", "上一年项目数量", "本年增/减", ""),
            ("行政事业性收费", "0", "0", ""),
        )),
    ]


def revised_active(f: Figures, stats: list[Stat]) -> list[Block]:
    stats += [
        Stat("docs_issued", f.docs_made, "件"),
        Stat("docs_repealed", f.docs_repealed, "件"),
        Stat("docs_in_force", f.docs_in_force, "件"),
        Stat("licences", f.licences, "件"),
        Stat("penalties", f.penalties, "件"),
        Stat("compulsions", f.compulsions, "件"),
        Stat("fees", f.fees, "万元"),
    ]
    return [
        Table((
            ("第二十条第（一）项", "", "", ""),
            ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"),
            ("规章", "0", "0", "0"),
            ("行政规范性文件", str(f.docs_made), str(f.docs_repealed), str(f.docs_in_force)),
        )),
        Table((
            ("第二十条第（五）项", ""),
            ("信息内容", "本年处理决定数量"),
            ("行政许可", str(f.licences)),
            ("第二十条第（六）项", ""),
            ("信息内容", "本年处理决定数量"),
            ("行政处罚", str(f.penalties)),
            ("行政强制", str(f.compulsions)),
            ("第二十条第（八）项", ""),
            ("信息内容", "本年收费金额（单位：万元）"),
            ("行政事业性收费", f"{f.fees:.2f}"),
        )),
    ]


def _app_row(label: str, natural: int, legal: int = 0) -> tuple[str, ...]:
    return (label, str(natural), str(legal), "0", "0", "0", "0", str(natural + legal))


def applications(f: Figures, stats: list[Stat], *, revised: bool) -> Table:
    a = f.applications
    new = a["natural"] + a["legal"]
    handled = a["granted"] + a["partial"] + a["unavailable"]
    stats += [
        Stat("applications_new", new, "件"),
        Stat("applications_new_natural", a["natural"], "件"),
        Stat("applications_carried_in", a["carried_in"], "件"),
        Stat("applications_granted", a["granted"], "件"),
        Stat("applications_partial", a["partial"], "件"),
        Stat("applications_unavailable", a["unavailable"], "件"),
        Stat("applications_handled", handled, "件"),
        Stat("applications_carried_over", a["carried_over"], "件"),
    ]
    header = ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", *APP_COLUMNS)
    partial = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" if revised else "（二）部分公开"
    refused = (
        ("（三）不予公开", "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”",
         "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息",
         "7.属于行政执法案卷", "8.属于行政查询事项")
    )
    unavailable = ("（四）无法提供", "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作",
                   "3.补正后申请内容仍不明确")
    not_processed = ("（五）不予处理", "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物",
                     "4.无正当理由大量反复申请", "5.要求行政机关确认或重新出具已获取信息")
    rows: list[tuple[str, ...]] = [
        header,
        _app_row("一、本年新收政府信息公开申请数量", a["natural"], a["legal"]),
        _app_row("二、上年结转政府信息公开申请数量", a["carried_in"]),
        _app_row("三、本年度办理结果（一）予以公开", a["granted"]),
        _app_row(partial, a["partial"]),
    ]
    rows += [_app_row(label, 0) for label in refused]
    rows.append(_app_row(unavailable[0], a["unavailable"]))
    rows.append(_app_row(unavailable[1], a["unavailable"]))
    rows += [_app_row(label, 0) for label in unavailable[2:]]
    rows += [_app_row(label, 0) for label in not_processed]
    if revised:
        rows += [
            _app_row("（六）其他处理", 0),
            _app_row("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", 0),
            _app_row("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", 0),
            _app_row("3.其他", 0),
        ]
    else:
        rows.append(_app_row("（六）其他处理", 0))
    rows.append(_app_row("（七）总计", handled))
    rows.append(_app_row("四、结转下年度继续办理", a["carried_over"]))
    return Table(tuple(rows))


_RESULTS = ("maintained", "corrected", "other", "pending", "total")


def review(f: Figures, stats: list[Stat]) -> Table:
    review = [*f.review, sum(f.review)]
    litigation = [*f.litigation, sum(f.litigation)]
    stats += [Stat(f"review_{name}", value, "件") for name, value in zip(_RESULTS, review)]
    stats += [Stat(f"litigation_{name}", value, "件") for name, value in zip(_RESULTS, litigation)]
    labels = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    return Table((
        ("行政复议", "", "", "", "", "行政诉讼（未经复议直接起诉）", "", "", "", "",
         "行政诉讼（复议后起诉）", "", "", "", ""),
        labels * 3,
        tuple(str(v) for v in review) + tuple(str(v) for v in litigation) + ("0",) * 5,
    ))
