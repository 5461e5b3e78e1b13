"""Synthetic township reports for tests and benchmarks (deterministic per seed).

Honest reports share only the national template and stock phrasing; ``near_copy`` builds the
雷同 cases the NGOs look for: another township's (or another year's) report with the names, the
years and the figures swapped and a sentence or two changed.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

_SYLLABLES = "".join(dict.fromkeys("向家文林石咀汪洋富加龙正视高方家北斗宝飞禾加黑龙滩清水钟祥满井慈航曹家大化"
              "彰加新店珠嘉高家青岗龙马四公始建鳌峰景贤光相贵平古佛双堡兴盛普宁东坡太平"))
_KINDS = ("镇", "乡", "街道")
_FRAMES = (
    "{t}始终把{a}作为{b}的重要抓手", "围绕{a}和{b}两项重点，{t}及时公开相关信息",
    "通过{c}、{d}等渠道发布{a}信息", "针对群众关心的{a}问题，{t}主动回应",
    "全年组织{a}专题学习，提升{b}能力", "在{c}设置公开栏，定期更新{a}内容",
    "{t}进一步规范{a}流程，明确{b}责任", "结合{a}工作，开展{b}宣传活动",
    "对{a}相关政策进行解读，方便群众了解{b}", "建立{a}台账，落实{b}制度",
    "{t}将继续深化{a}，推动{b}公开常态化", "部分村（社区）对{a}重视不够，{b}不够及时",
    "及时公开{a}资金使用情况，接受{b}监督", "依托{c}推进{a}信息公开",
    "组织工作人员学习{a}相关规定，增强{b}意识", "下一步，{t}将着力解决{a}方面存在的问题",
)
_WORDS = ("脱贫攻坚", "乡村振兴", "低保救助", "征地拆迁", "安全生产", "环境整治", "河长制", "医疗保障",
          "就业创业", "教育资助", "农村危房改造", "退役军人服务", "食品安全", "森林防火", "疫情防控",
          "惠民补贴", "耕地保护", "人居环境", "产业发展", "基层党建", "财政预决算", "项目建设",
          "防汛减灾", "殡葬改革", "残疾人帮扶", "土地流转", "秸秆禁烧", "水利设施", "道路硬化",
          "集体经济", "养老服务", "扫黑除恶", "矛盾纠纷调解", "社会救助", "城乡建设", "便民服务",
          "群众", "社会", "人大代表", "纪检", "审计", "村民", "干部", "宣传", "业务", "保密", "服务")
_CHANNELS = ("政府门户网站", "政务微信公众号", "村务公开栏", "便民服务中心", "村民会议", "宣传册",
             "电子显示屏", "微博", "广播", "院坝会", "政务新媒体", "公示牌", "手机短信", "入户走访")


def township_name(i: int) -> str:
    """A deterministic, distinct township name for index ``i``."""
    n = len(_SYLLABLES)
    a, b = _SYLLABLES[i % n], _SYLLABLES[(i // n) % n]
    c = _SYLLABLES[(i // (n * n)) % n] if i >= n * n else ""
    return f"{c}{a}{b}{_KINDS[(i * 7 + i // n) % 3]}"


@dataclass(frozen=True, slots=True)
class SynthReport:
    township: str
    year: int
    text: str
    figures: dict[str, int]

    @property
    def template(self) -> str:
        return template_for(self.year)


def template_for(year: int) -> str:
    return "prose-2016" if year < 2019 else "trial-2019" if year < 2021 else "revised-2021"


def figures_for(rng: random.Random) -> dict[str, int]:
    return {"active_total": rng.randint(40, 900), "meetings": rng.randint(1, 12),
            "trainings": rng.randint(1, 10), "trainees": rng.randint(20, 400),
            "applications_new": rng.randint(0, 20), "public_responses": rng.randint(0, 15)}


def _prose(township: str, rng: random.Random, sentences: int) -> list[str]:
    out = []
    for _ in range(sentences):
        frame = rng.choice(_FRAMES)
        a, b = rng.sample(_WORDS, 2)
        c, d = rng.sample(_CHANNELS, 2)
        out.append(frame.format(t=township, a=a, b=b, c=c, d=d) + "。")
    return out


def report_text(township: str, year: int, figures: dict[str, int], rng: random.Random, *,
                sentences: int = 24, county: str = "仁寿县") -> str:
    body = _prose(township, rng, sentences)
    # the same contact line every year: honest reuse that must not look like copying
    local = random.Random(township)
    contact = (f"如对本报告有疑问，请与{township}党政办公室联系，地址：{township}{local.choice(_WORDS[:8])}路"
               f"{local.randint(1, 200)}号，电话：028-3{local.randint(1000000, 9999999)}。")
    third = max(1, len(body) // 3)
    f = figures
    lines = [f"{county}{township}{year}年政府信息公开工作年度报告"]
    if year < 2019:
        lines += [
            f"本年度报告根据《中华人民共和国政府信息公开条例》要求编制，由{township}人民政府编制。"
            "全文包括概述、主动公开政府信息情况、依申请公开政府信息情况、政府信息公开的收费及减免情况、"
            "因政府信息公开申请提起行政复议、行政诉讼的情况、存在的主要问题及改进措施。"
            f"本年度报告中所列数据统计期限从{year}年1月1日起至{year}年12月31日止。",
            "一、概述", *body[:third],
            f"召开会议{f['meetings']}次，举办培训班{f['trainings']}次，培训人数{f['trainees']}余人次。",
            "二、主动公开政府信息情况",
            f"{year}年，{township}主动公开信息{f['active_total']}条，回应群众事件数{f['public_responses']}条。",
            *body[third:2 * third],
            "三、依申请公开政府信息情况", f"全年共收到政府信息公开申请{f['applications_new']}件。",
            "四、政府信息公开的收费及减免情况", "本年度未收取任何费用。",
            "五、存在的主要问题及改进措施", *body[2 * third:], contact,
        ]
    else:
        lines += [
            f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定编制，由{township}人民政府编制。"
            f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
            "一、总体情况", *body[:third],
            f"全年召开会议{f['meetings']}次，开展培训{f['trainings']}次，培训{f['trainees']}人次。",
            "二、主动公开政府信息情况",
            "第二十条第（一）项", "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
            "规范性文件\t0\t0\t0", f"主动公开信息总数\t{f['active_total']}",
            "三、收到和处理政府信息公开申请情况", f"本年新收政府信息公开申请数量\t{f['applications_new']}",
            "四、政府信息公开行政复议、行政诉讼情况", "行政复议\t0\t行政诉讼\t0",
            *body[third:2 * third],
            "五、存在的主要问题及改进情况", *body[2 * third:],
            "六、其他需要报告的事项", "无。", contact,
        ]
    return "\n".join(lines)


def synth_report(township: str, year: int, seed: int, *, sentences: int = 24) -> SynthReport:
    rng = random.Random(f"{township}|{year}|{seed}")
    figures = figures_for(rng)
    return SynthReport(township, year, report_text(township, year, figures, rng, sentences=sentences), figures)


def near_copy(source: SynthReport, township: str, year: int, seed: int, *, edits: int = 2) -> SynthReport:
    """``source`` passed off as ``township``'s ``year`` report: names, years, figures swapped,
    ``edits`` sentences replaced."""
    rng = random.Random(f"copy|{township}|{year}|{seed}")
    figures = figures_for(rng)
    text = source.text.replace(source.township, township).replace(str(source.year), str(year))
    for metric, old in source.figures.items():
        text = re.sub(rf"(?<![0-9]){old}(?![0-9])", str(figures[metric]), text, count=1)
    lines = text.split("\n")
    prose = [i for i, line in enumerate(lines) if line.endswith("。") and len(line) < 40 and i > 2]
    for i in rng.sample(prose, min(edits, len(prose))):
        lines[i] = _prose(township, rng, 1)[0]
    return SynthReport(township, year, "\n".join(lines), figures)
