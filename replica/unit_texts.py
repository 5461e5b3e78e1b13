"""Synthetic annual reports of the county's departments, its development zone and the county
government (:class:`replica.departments.Department`).

They follow the national template from 2019 on like the townships' reports (the same tables, from
:mod:`replica.national`), but read the way department reports do: an opening paragraph that says
who compiled the report under which rules, then 总体情况 in five numbered parts (主动公开,
依申请公开, 政府信息管理, 平台建设, 监督保障), the tables, 存在的主要问题及改进情况 and
其他需要报告的事项. A sports unit's text says 体育 in nearly every paragraph (体育场馆,
全民健身, 体育赛事, 体育彩票公益金): legitimate words a spam cleaner must leave alone.
"""

from __future__ import annotations

from replica.departments import Department, UnitKind
from replica.national import (
    CHINESE_NUMERALS, PROSE, REVISED, Block, Options, Para, ReportText, Stat, headline_stats, national_tables,
    number_headings, period_sentence, pick, template_for,
)
from replica.townships import Figures

_MANAGEMENT_POOL = (
    "严格执行信息发布审核制度，拟公开信息经股室负责人初审、办公室复核、分管领导审定后发布，全年未发生泄密和错发情况。",
    "对照县级政务公开标准目录，逐项梳理本单位公开事项，明确公开主体、公开时限和公开方式，做到动态更新。",
    "完成本单位现行有效规范性文件清理，对已失效、废止的文件在网站上作出标注，方便公众查询。",
    "落实公开属性源头认定，起草公文时同步确定主动公开、依申请公开或不予公开属性。",
)
_PLATFORM_POOL = (
    "以县政府网站部门信息公开专栏为第一平台，同步运用政务新媒体发布信息，确保内容一致、更新及时。",
    "对网站栏目开展常态化巡查，及时处理空白栏目和过期信息，保障平台稳定运行。",
    "在办事大厅设置政府信息查阅点，配备查阅设备，为群众提供现场查询服务。",
    "政务新媒体账号实行专人管理，落实发布前审核，全年未发生信息安全事件。",
)
_SUPERVISION_POOL = (
    "将政务公开工作纳入单位年度目标考核，由办公室负责日常督促，定期通报各股室信息报送情况。",
    "对外公布监督电话和电子邮箱，主动接受社会监督，对群众反映的问题及时核实整改。",
    "组织干部职工学习《条例》和保密工作规定，提升依法公开意识。",
)
_PROBLEM_POOL = (
    "部分股室对政务公开工作重视不够，信息报送不够主动、及时。",
    "政策解读形式较为单一，图解、音视频等解读方式运用不多。",
    "信息公开工作人员多为兼职，业务水平有待提高。",
    "部分公开信息更新不够及时，与群众期待还有差距。",
)
_PLAN_POOL = (
    "进一步健全公开工作制度，细化各股室责任分工，确保应公开尽公开。",
    "丰富政策解读形式，围绕群众关心的热点问题做好解读回应。",
    "加强业务培训，每年组织信息公开工作人员参加专题培训，提升工作质量。",
    "加强网站栏目日常维护，及时更新公开内容，提高信息时效。",
)
#: Sentences of a sports unit: legitimate 体育 on every line.
_SPORTS_POOL = (
    "全年公开全民健身路径和体育场馆开放时间、收费标准，县体育馆、游泳馆等体育场馆免费或低收费开放情况按季度公示。",
    "及时发布县运动会、社区篮球联赛等体育赛事的竞赛规程、报名方式和成绩公告，赛事期间每日更新体育赛事动态。",
    "按规定公开体育彩票公益金使用情况，列明全民健身设施建设、体育赛事活动和社会体育指导员培训等支出项目。",
    "在县教育和体育局网站和“仁寿体育”政务微信号同步发布体育信息，方便群众查询体育场馆预约和体育赛事安排。",
)
_SCHOOL_SPORTS = "公开中考体育考试项目、评分标准和考试安排，发布学校体育工作和青少年体育赛事信息。"


def compose_unit(unit: Department, year: int, figures: Figures, options: Options) -> ReportText:
    """The report of ``unit`` for ``year`` (2019 on: the national template), stating ``figures``."""
    template = template_for(year)
    if template == PROSE:
        raise ValueError(f"{unit.name}: department reports start in 2019, not {year}")
    title = f"{unit.name}{year}年政府信息公开工作年度报告"
    offset = options.pool_offset
    intro = (
        f"本报告由{unit.issuer}根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《仁寿县人民政府办公室"
        f"关于做好{year}年度政府信息公开工作年度报告编制发布工作的通知》要求编制。报告包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
        f"政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项，"
        f"{period_sentence(year, options)}。本报告电子版可在仁寿县人民政府网站政府信息公开年度报告栏目查阅。"
        f"如对本报告有疑问，请与{unit.issuer}联系（地址：{unit.address}；邮编：{unit.postcode}；电话：{unit.phone}）。"
    )
    stats: list[Stat] = headline_stats(figures)
    blocks: list[Block] = [Para(title), Para(intro), Para("总体情况", heading=True)]
    blocks += [Para(text) for text in _overview(unit, year, figures, offset)]
    blocks += national_tables(figures, stats, revised=template == REVISED)
    problems = "".join(f"{CHINESE_NUMERALS[i]}是{line}" for i, line in enumerate(pick(_PROBLEM_POOL, 2, offset)))
    plans = "".join(f"{CHINESE_NUMERALS[i]}是{line}" for i, line in enumerate(pick(_PLAN_POOL, 3, offset)))
    closing = options.revision or f"下一步，{unit.we}将着力做好以下工作：{plans}"
    blocks += [Para("存在的主要问题及改进情况", heading=True), Para(f"{year}年，{unit.we}政府信息公开工作取得一定成效，"
                                                        f"但仍存在一些不足：{problems}"), Para(closing)]
    fees = "本年度未收取信息处理费。" if year >= 2021 else "本年度未收取政府信息公开相关费用。"
    blocks += [Para("其他需要报告的事项", heading=True), Para(f"{fees}本年度无其他需要报告的事项。")]
    return ReportText(
        title=title,
        template=template,
        issuer=unit.issuer,
        period_start=f"{year}-01-01",
        period_end=f"{year}-12-31",
        blocks=tuple(number_headings(blocks)),
        statistics=tuple(stats),
    )


def _overview(unit: Department, year: int, f: Figures, offset: int) -> list[str]:
    duties = unit.duties
    focus = "、".join(duties[offset % len(duties):][:2] or duties[:2])
    if unit.kind == UnitKind.GOVERNMENT:
        lead = (f"{year}年，县政府统筹推进全县政务公开工作，指导各乡镇（街道）和县级各部门落实公开责任，"
                f"围绕{focus}等重点领域加大公开力度。")
    else:
        lead = f"{year}年，{unit.we}认真贯彻落实《条例》，围绕{focus}等重点领域信息，扎实推进政府信息公开工作。"
    active = (f"（一）主动公开情况。{lead}全年主动公开政府信息{f.active_total}条，其中通过县政府网站发布"
              f"{f.website_total}条，通过政务新媒体、公示栏等渠道发布{f.offline_total}条；回应公众关切"
              f"{f.responses}条。")
    if unit.sports:
        active += "".join(pick(_SPORTS_POOL, 2, offset))
        if "教育" in unit.name:
            active += _SCHOOL_SPORTS
    received = f.applications["natural"]
    requests = (f"（二）依申请公开情况。全年共收到政府信息公开申请{received}件，均在法定期限内答复。" if received
                else f"（二）依申请公开情况。全年{unit.we}未收到政府信息公开申请。")
    requests += "未发生因政府信息公开引起的行政复议和行政诉讼。" if not sum(f.review) else ""
    management = "（三）政府信息管理。" + "".join(pick(_MANAGEMENT_POOL, 2, offset))
    platform = "（四）平台建设。" + "".join(pick(_PLATFORM_POOL, 2, offset))
    if unit.sports:
        platform += _SPORTS_POOL[(offset + 3) % len(_SPORTS_POOL)]
    supervision = ("（五）监督保障。" + "".join(pick(_SUPERVISION_POOL, 2, offset))
                   + f"全年召开政务公开工作会议{f.meetings}次，举办培训班{f.trainings}次，培训人数{f.trainees}余人次。")
    return [active, requests, management, platform, supervision]
