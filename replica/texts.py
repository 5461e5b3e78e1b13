"""Synthetic text of a township's annual disclosure report.

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

from replica.townships import CATEGORIES, COUNTY, CROWN_VILLAGE_TOWN, Figures, Township

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


_WORK_POOL = (
    "{we}将政务公开工作列入年度目标考核，由党政办负责日常工作，明确一名工作人员专门承担信息的收集、审核和报送。",
    "严格执行信息发布“三审”程序，拟公开的信息先由经办人员初审，再由分管领导审核，最后由主要领导签批后发布。",
    "结合脱贫攻坚、乡村振兴和民生实事，重点公开惠民资金发放、低保评定、项目建设等群众关注的信息。",
    "按月梳理各村（社区）公开事项，在便民服务中心设置查阅点，方便群众就近查询。",
    "对照上级下发的政务公开标准目录，逐项核对公开内容，及时补充缺漏事项。",
    "加强网络舆情监测，安排专人每日浏览县政府网站留言栏目，对群众反映的问题及时转办回复。",
    "建立信息公开工作台账，按季度向县政务公开办报送工作进展情况。",
    "在{village}等村（社区）公开栏定期更新惠农政策和财务收支情况，接受群众监督。",
)
_PROBLEM_POOL = (
    "部分干部对信息公开工作重视不够，主动公开的意识还需增强。",
    "公开内容以工作动态为主，政策解读类信息数量偏少，形式较为单一。",
    "信息员多为兼职，业务能力参差不齐，信息报送的及时性有待提高。",
    "村（社区）公开栏更新不够及时，个别事项公开不完整。",
)
_PLAN_POOL = (
    "{we}将进一步健全工作机制，压实各办所工作责任，确保应公开尽公开。",
    "加大业务培训力度，每年组织信息员参加专题培训不少于两次，提升工作人员业务水平。",
    "拓宽公开渠道，在用好县政府网站的同时，充分利用政务微信群、村村响广播等载体扩大公开覆盖面。",
    "完善监督考核，将信息公开工作情况纳入村（社区）和站所年度考核，定期通报。",
)


def _pick(pool: tuple[str, ...], count: int, offset: int) -> list[str]:
    return [pool[(offset + i) % len(pool)] for i in range(count)]


def compose(town: Township, year: int, figures: Figures, options: Options) -> ReportText:
    """The report of ``town`` for ``year``, stating ``figures``."""
    template = template_for(year)
    title = f"{COUNTY}{town.name}{year}年政府信息公开工作年度报告"
    fill = {"we": town.we, "village": town.villages[0]}
    intro = (
        f"本报告由{town.government}根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和县政务公开"
        f"领导小组办公室关于做好{year}年度报告编制工作的要求编制。全文包括总体情况、主动公开政府信息情况、"
        f"收到和处理政府信息公开申请情况、存在的主要问题及改进措施等内容，{period_sentence(year, options)}。"
        f"本报告电子版可在仁寿县人民政府网站查阅，如对本报告有疑问，请与{town.government}联系"
        f"（联系人：{town.contact}；地址：{town.address}；邮编：{town.postcode}；电话：{town.phone}）。"
    )
    blocks: list[Block] = [Para(title), Para(intro)]
    stats: list[Stat] = []
    work = [line.format(**fill) for line in _pick(_WORK_POOL, 4, options.pool_offset)]
    if town.name == CROWN_VILLAGE_TOWN:
        work.append(f"在{town.villages[0]}、{town.villages[1]}试点建设村级政务公开专栏，群众可扫码查阅公开事项。")
    if options.sports:
        work.append("围绕镇文化体育活动中心和全民健身广场建设，及时公开项目招标、资金使用和进度情况。")
    if options.quoted_doc:
        work.append("转发《关于规范体育彩票销售网点宣传行为的通知》等文件，提醒群众远离非法网络赌博。")
    work.append("依托政务平台和县政府网站信息公开专栏，做到公开内容规范、栏目设置统一。")
    if template == PROSE:
        blocks += _prose_body(town, year, figures, work, stats)
    else:
        blocks += _national_body(town, year, figures, work, stats, revised=template == REVISED)
    problems = [f"{_CHINESE_NUMERALS[i]}是{line}" for i, line in enumerate(_pick(_PROBLEM_POOL, 3, options.pool_offset))]
    plans = [line.format(**fill) for line in _pick(_PLAN_POOL, 3, options.pool_offset)]
    closing = options.revision or "下一步，" + "".join(plans)
    blocks += [Para("存在的主要问题及改进措施", heading=True), Para("".join(problems)), Para(closing)]
    if template != PROSE:
        blocks += [Para("其他需要报告的事项", heading=True), Para("本年度无其他需要报告的事项。")]
    numbered = _number_headings(blocks)
    return ReportText(
        title=title,
        template=template,
        issuer=town.government,
        period_start=f"{year}-01-01",
        period_end=f"{year}-12-31",
        blocks=tuple(numbered),
        statistics=tuple(stats),
    )


_CHINESE_NUMERALS = "一二三四五六七八九十"


def _number_headings(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    number = 0
    for block in blocks:
        if isinstance(block, Para) and block.heading:
            block = Para(f"{_CHINESE_NUMERALS[number]}、{block.text}", heading=True)
            number += 1
        out.append(block)
    return out


def _prose_body(town: Township, year: int, f: Figures, work: list[str], stats: list[Stat]) -> list[Block]:
    breakdown = "，".join(
        f"{label}{f.categories[key]}条" for key, label in CATEGORIES
    )
    if f.offline_total:
        offline = f"；通过村（社区）公开栏、院坝会、村村响广播等方式公开信息{f.offline_total}条"
    else:
        offline = ""
    active = (
        f"{year}年，{town.government}主动公开信息{f.active_total}条，其中通过仁寿县人民政府网站公开信息"
        f"{f.website_total}条，包括{breakdown}{offline}。"
    )
    stats += [Stat("active_total", f.active_total, "条"), Stat("active_website", f.website_total, "条")]
    stats += [Stat(f"active_{key}", f.categories[key], "条") for key, _ in CATEGORIES]
    stats.append(Stat("active_offline", f.offline_total, "条"))
    stats += [
        Stat("public_responses", f.responses, "条"),
        Stat("meetings", f.meetings, "次"),
        Stat("trainings", f.trainings, "次"),
        Stat("trainees", f.trainees, "人次", "more_than"),
    ]
    received = f.applications["natural"]
    return [
        Para("工作概述", heading=True),
        Para(f"{year}年，{town.we}认真贯彻《条例》和上级关于政务公开工作的部署，围绕中心工作推进信息公开。" + work[0]),
        Para("".join(work[1:])),
        Para("主动公开政府信息情况", heading=True),
        Para(active),
        Para(f"全年通过县政府网站领导信箱回应群众事件数{f.responses}条，均已按期办结。"),
        Para("依申请公开和不予公开情况", heading=True),
        Para(
            f"本年度共收到政府信息公开申请{received}件，均已按时答复。" if received
            else f"本年度{town.we}未收到政府信息公开申请，无不予公开政府信息的情况。"
        ),
        Para("行政复议、行政诉讼及收费情况", heading=True),
        Para(f"本年度{town.we}未发生因政府信息公开引起的行政复议和行政诉讼，未收取任何费用。"),
        Para("会议和培训情况", heading=True),
        Para(
            f"全年召开政府信息公开工作会议{f.meetings}次，举办各类培训班{f.trainings}次，"
            f"培训人数{f.trainees}余人次。"
        ),
    ]


_APP_COLUMNS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")


def _national_body(
    town: Township, year: int, f: Figures, work: list[str], stats: list[Stat], *, revised: bool
) -> list[Block]:
    stats += [
        Stat("active_total", f.active_total, "条"),
        Stat("active_website", f.website_total, "条"),
        Stat("active_offline", f.offline_total, "条"),
        Stat("public_responses", f.responses, "条"),
        Stat("meetings", f.meetings, "次"),
        Stat("trainings", f.trainings, "次"),
        Stat("trainees", f.trainees, "人次", "more_than"),
    ]
    overview = [
        Para("总体情况", heading=True),
        Para(
            f"{year}年，{town.we}主动公开政府信息{f.active_total}条，其中在县政府网站发布{f.website_total}条，"
            f"通过公开栏等线下渠道公开{f.offline_total}条；回应群众关切{f.responses}条。" + work[0]
        ),
        Para("".join(work[1:])),
        Para(
            f"全年召开政务公开专题会议{f.meetings}次，举办培训班{f.trainings}次，培训人数{f.trainees}余人次。"
        ),
    ]
    active = _revised_active(f, stats) if revised else _trial_active(f, stats)
    apps = _applications(f, stats, revised=revised)
    review = _review(f, stats)
    return [
        *overview,
        Para("主动公开政府信息情况", heading=True),
        *active,
        Para("收到和处理政府信息公开申请情况", heading=True),
        apps,
        Para("政府信息公开行政复议、行政诉讼情况", heading=True),
        review,
    ]


def _trial_active(f: Figures, stats: list[Stat]) -> list[Block]:
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


def _revised_active(f: Figures, stats: list[Stat]) -> list[Block]:
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


def _applications(f: Figures, stats: list[Stat], *, revised: bool) -> Table:
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
    header = ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", *_APP_COLUMNS)
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


def _review(f: Figures, stats: list[Stat]) -> Table:
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
