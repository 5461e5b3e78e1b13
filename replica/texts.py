"""Synthetic text of a township's annual disclosure report (templates and tables in
:mod:`replica.national`; departments' and the county government's reports in
:mod:`replica.unit_texts`, which :func:`compose` hands them to)."""

from __future__ import annotations

from replica.departments import Department
from replica.national import (
    CHINESE_NUMERALS, PROSE, REVISED, TRIAL, Block, Options, Para, ReportText, Stat, Table, headline_stats,
    national_tables, number_headings, period_sentence, pick, template_for,
)
from replica.townships import CATEGORIES, COUNTY, CROWN_VILLAGE_TOWN, Figures, Township
from replica.unit_texts import compose_unit

__all__ = ["PROSE", "REVISED", "TRIAL", "Block", "Options", "Para", "ReportText", "Stat", "Table", "compose",
           "period_sentence", "template_for"]


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


def compose(town: Township | Department, year: int, figures: Figures, options: Options) -> ReportText:
    """The report of ``town`` (or of a department, the zone or the county government) for
    ``year``, stating ``figures``."""
    if isinstance(town, Department):
        return compose_unit(town, year, figures, options)
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
    work = [line.format(**fill) for line in pick(_WORK_POOL, 4, options.pool_offset)]
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
    problems = [f"{CHINESE_NUMERALS[i]}是{line}" for i, line in enumerate(pick(_PROBLEM_POOL, 3, options.pool_offset))]
    plans = [line.format(**fill) for line in pick(_PLAN_POOL, 3, options.pool_offset)]
    closing = options.revision or "下一步，" + "".join(plans)
    blocks += [Para("存在的主要问题及改进措施", heading=True), Para("".join(problems)), Para(closing)]
    if template != PROSE:
        blocks += [Para("其他需要报告的事项", heading=True), Para("本年度无其他需要报告的事项。")]
    numbered = number_headings(blocks)
    return ReportText(
        title=title,
        template=template,
        issuer=town.government,
        period_start=f"{year}-01-01",
        period_end=f"{year}-12-31",
        blocks=tuple(numbered),
        statistics=tuple(stats),
    )


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


def _national_body(
    town: Township, year: int, f: Figures, work: list[str], stats: list[Stat], *, revised: bool
) -> list[Block]:
    stats += headline_stats(f)
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
    return [*overview, *national_tables(f, stats, revised=revised)]
