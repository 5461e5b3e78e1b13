"""Annual disclosure reports of the realistic set: written here, sentence by sentence.

The structure follows the national report format (sections 一 to 六 from 2019, prose with
figures inline before that) and what real report pages were seen to carry (WeChat accounts,
the site's address, 来源 lines, statistics tables); the sentences are this project's own. The
common words hacks replace site-wide (其他, 关于, 工作, 信息, 政务公开, the county and the
government's names) occur where real reports use them: inside quoted document titles, in the
statistics tables, in section headings. Unit kinds add the legitimate look-alikes: sports
bureaus, lottery offices, anti-gambling work, English abbreviations and account names.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

Line = str | tuple[tuple[str, ...], ...]  # a paragraph, or a table (rows of cells)


@dataclass(frozen=True, slots=True)
class Unit:
    name: str  # as the report names it: 剑阁县金沙镇, 剑阁县教育和体育局
    short: str  # the visible title on VSB township pages: 金沙镇
    kind: str  # township | sports | lottery | edu_sports | security | economy | office
    self_ref: str  # 我镇, 我局, 本中心
    account: str  # its WeChat account name


def _n(rng: random.Random) -> dict[str, int]:
    return {
        "a": rng.randint(40, 900),
        "b": rng.randint(2, 60),
        "c": rng.randint(1, 30),
        "d": rng.randint(1, 15),
        "e": rng.randint(10, 300),
        "p": rng.randint(2, 40),
    }


OPENING = (
    "本报告由{unit}根据《中华人民共和国政府信息公开条例》和{county}关于做好{year}年政府信息公开工作年度报告编制工作的要求编制。",
    "本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
    "本报告电子版可在{gov}网站（www.{host}）查阅或下载，如有疑问请与{unit}党政办公室联系（电话：{phone}，电子邮箱：{email}）。",
)
OPENING_2019 = "报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项六个部分组成。"
HEADINGS_2019 = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)
HEADINGS_OLD = ("一、概述", "二、主动公开政府信息情况", "三、依申请公开政府信息情况", "四、存在的主要问题及改进措施")
GENERAL = (
    "{year}年，{self}坚持以公开为常态、不公开为例外，全年主动公开政府信息{a}条，其中工作动态{b}条，通知公告{c}条，其他信息{d}条。",
    "通过{gov}网站、政务新媒体和公开栏等其他渠道公开信息{e}条。",
    "{self}成立了由主要负责人任组长的政务公开工作领导小组，明确一名分管领导和一名工作人员具体负责信息发布工作。",
    "严格落实信息发布“三审三校”制度，全年未发生泄密和错发信息的情况。",
    "转发《{county}人民政府办公室关于印发{year}年政务公开工作要点的通知》，逐项抓好落实。",
    "按照《关于全面推进基层政务公开标准化规范化工作的实施意见》要求，梳理公开事项{b}项。",
    "全年办理人大代表建议和政协委员提案{b}件，其他来信来访{c}件，均按时答复。",
    "依托“{account}”微信公众号发布信息{a}条，阅读量{p}万次。",
    "召开政务公开专题会议{d}次，参加上级组织的业务培训{c}人次。",
    "对财政预决算、“三公”经费、重大建设项目等重点领域信息及时公开，其他信息按规定时限发布。",
    "在便民服务中心设置政府信息查阅点{d}个，方便群众就近查阅。",
    "加强政府网站内容保障，及时更新栏目，确保信息准确、完整、规范。",
    "{self}按照{county}政务公开工作的统一部署，结合实际开展各项工作。",
    "认真执行《{county}政府信息公开保密审查办法》，发布前逐条审核。",
)
REQUESTS = (
    "全年收到政府信息公开申请{d}件，其中自然人申请{d}件，法人或其他组织申请0件，均在法定期限内答复。",
    "本年度未收到政府信息公开申请，未收取信息处理费。",
)
APPEALS = ("本年度未发生因政府信息公开引起的行政复议和行政诉讼。",)
PROBLEMS = (
    "一是政务公开工作人员业务水平有待提高；二是公开内容与群众需求结合还不够紧密。",
    "下一步，{self}将加强业务培训，完善信息发布审核机制，持续提升政务公开工作质量。",
)
OTHER = ("本年度无其他需要报告的事项。",)
BY_KIND = {
    "township": (
        "组织村（社区）干部开展政策宣讲{b}场，覆盖群众{a}人次。",
        "辖区{c}个村（社区）的村务公开栏全部按季度更新，其他公开载体同步更新。",
        "低保、特困供养、临时救助等民生信息在村务公开栏和{gov}网站同步公开。",
    ),
    "sports": (
        "全年公开全民健身、体育赛事和体育场馆开放信息{a}条。",
        "{county}体育中心体育场、体育馆全年免费或低收费开放，接待健身群众{p}万人次。",
        "承办全县篮球联赛和乡镇农民运动会，竞技体育后备人才培养信息按时公开。",
        "体育彩票公益金使用情况在网站专栏公开，全年使用公益金{b}万元。",
        "发布体育赛事活动安全提示{c}条，公开社会体育指导员培训信息{d}条。",
        "“{account}”微信公众号和“运动{place}”微博发布体育活动信息{e}条。",
    ),
    "lottery": (
        "全年全县体育彩票销量{a}万元，其中竞彩{b}万元，即开型彩票{c}万元，乐透型彩票{d}万元。",
        "及时公开体育彩票代销网点{c}个的设立和变更信息，开展“责任彩票”宣传。",
        "中国福利彩票双色球、快乐8等游戏销售{a}万元，筹集福利彩票公益金{b}万元。",
        "在销售网点张贴禁止向未成年人销售彩票的提示，配合公安机关打击私彩和网络赌博。",
        "公开彩票公益金资助项目{d}个，接受社会监督。",
    ),
    "edu_sports": (
        "全年公开招生入学、学生资助和校园安全信息{a}条。",
        "组织中小学生阳光体育运动和校园足球联赛，公开体育中考方案。",
        "“{account}”微信公众号推送教育体育信息{e}条。",
        "县教育和体育局门户网站设置政务公开专栏，其他栏目按月更新。",
    ),
    "security": (
        "开展打击整治跨境赌博和电信网络诈骗专项行动，公开典型案例{d}起。",
        "印发《关于依法严厉打击网络赌博违法犯罪活动的通告》，在各乡镇张贴。",
        "通过“{account}”提醒群众远离“网络赌球”“线上博彩”等违法陷阱，举报电话{phone}。",
        "全年查处赌博违法案件{c}起，收缴赌资{b}万元，相关处罚决定依法公开。",
    ),
    "economy": (
        "全县新建5G基站{b}个，城区主要公共场所实现Wi-Fi覆盖。",
        "全年实现地区生产总值（GDP）{a}亿元，同比增长{d}%。",
        "政府网站ICP备案号和网站标识码按规定在页面底部公示。",
        "推行OA无纸化办公，公开文件统一提供WPS和PDF格式下载。",
        "G318线{county}段和S106线改造工程进度信息按月公开。",
        "城区路灯更换为LED节能灯{a}盏，公开项目招标和验收信息。",
        "按照GB/T 9704—2012规范公文格式，群众也可通过QQ群和“{account}”APP查询办事指南。",
    ),
    "office": (
        "按照《{county}人民政府关于进一步加强政府网站管理的通知》要求，整合栏目{d}个。",
        "{gov}网站全年发布信息{a}条，网站标识码和ICP备案号按规定公示。",
        "县长信箱全年收到来信{e}件，办结率100%。",
    ),
}
TABLE_ROWS = (
    ("第二十条第（一）项",),
    ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"),
    ("规章", "0", "0", "0"),
    ("行政规范性文件", "{d}", "0", "{c}"),
    ("第二十条第（五）项",),
    ("行政许可", "{b}"),
    ("其他对外管理服务事项", "{c}"),
    ("第二十条第（八）项",),
    ("行政事业性收费", "0"),
)


@dataclass(frozen=True, slots=True)
class ReportContext:
    county: str  # 剑阁县
    gov: str  # 剑阁县人民政府
    host: str  # jiange.gov.cn
    phone: str
    email: str


def report_lines(unit: Unit, year: int, ctx: ReportContext, rng: random.Random) -> list[Line]:
    """The lines of one unit's report for ``year`` (title line first)."""

    def fill(text: str) -> str:
        return text.format(
            unit=unit.name,
            self=unit.self_ref,
            county=ctx.county,
            gov=ctx.gov,
            host=ctx.host,
            phone=ctx.phone,
            email=ctx.email,
            year=year,
            account=unit.account,
            place=ctx.county[:-1],
            **_n(rng),
        )

    specific = list(BY_KIND.get(unit.kind, ()))
    lines: list[Line] = [f"{unit.name}{year}年政府信息公开工作年度报告"]
    lines += [fill(t) for t in OPENING[:2]]
    if year >= 2019:
        lines.append(OPENING_2019)
        heads = HEADINGS_2019
    else:
        heads = HEADINGS_OLD
    lines.append(fill(OPENING[2]))
    general = rng.sample(GENERAL, 8)
    lines.append(heads[0])
    lines += [fill(t) for t in general[:4]]
    lines += [fill(t) for t in rng.sample(specific, min(len(specific), 3))]
    lines.append(heads[1])
    lines += [fill(t) for t in general[4:7]]
    if year >= 2019:
        lines.append(tuple(tuple(fill(c) for c in row) for row in TABLE_ROWS))
    lines.append(heads[2])
    lines.append(fill(rng.choice(REQUESTS)))
    if year >= 2019:
        lines.append(heads[3])
        lines.append(fill(APPEALS[0]))
        lines.append(heads[4])
    else:
        lines.append(heads[3])
    lines += [fill(t) for t in PROBLEMS]
    lines.append(fill(general[7]))
    if year >= 2019:
        lines.append(heads[5])
        lines.append(OTHER[0])
    return lines
