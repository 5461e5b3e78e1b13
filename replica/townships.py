"""Townships of the replica county and the figures their reports state.

Names are invented but shaped like real Sichuan township names (镇, 乡, 街道); the three the
rest of the project talks about by name (向家镇, 文林街道, 龙马镇) are always present. At scale
N the base list is extended with compound names so every name stays unique.

Figures are drawn per (township, year) from a seeded ``random.Random`` and are internally
consistent: category breakdowns sum to the website total, the website and offline totals sum
to the active total, table rows sum to their 总计 cells.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

COUNTY = "仁寿县"
CITY = "眉山市"

BASE_NAMES: tuple[str, ...] = (
    "向家镇", "文林街道", "龙马镇", "石咀乡", "松峰乡", "怀仁街道", "视高街道", "贵平镇",
    "钟祥镇", "清水镇", "满井镇", "宝飞镇", "汪洋镇", "富加镇", "禾加镇", "曹家镇",
    "方家镇", "大化镇", "黑龙滩镇", "籍田乡", "彰加镇", "龙正镇", "珠嘉乡", "藕塘镇",
    "高家镇", "洪峰乡", "板桥镇", "北斗镇", "青岗乡", "堃山乡",
)
# Prefixes for compound names at scale > 1 (新向家镇 would be odd: they replace the stem).
_STEMS: tuple[str, ...] = (
    "东", "西", "南", "北", "上", "下", "新", "太", "永", "长", "金", "玉", "白", "红", "双",
    "三", "花", "桂", "柳", "石", "兴", "安", "和", "平", "顺", "福", "兰", "梅", "竹", "凤",
)
_ROOTS: tuple[str, ...] = (
    "溪", "坝", "桥", "坪", "林", "峰", "岭", "湾", "河", "山", "庙", "场", "井", "滩", "寺",
    "田", "岗", "冲", "堰", "垭",
)
SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "明华建国平军丽芳强磊洋勇艳杰娟涛超秀霞刚桂兰英梅林玲志红斌俊波宇浩静敏鑫晨"
_VILLAGE_PARTS = "桂花 石桥 大田 柏林 红岩 清泉 凤凰 新华 龙泉 白马 金鸡 高峰 黄桷 水井 堰塘 双河".split()

#: Names that must appear: 堃 and 䶮 lie outside GB2312 and are written to GB18030 pages.
RARE_CONTACTS = {"龙马镇": "王堃", "堃山乡": "刘䶮"}
#: A real-looking village whose name overlaps a gambling brand word.
CROWN_VILLAGE_TOWN = "钟祥镇"


@dataclass(frozen=True, slots=True)
class Township:
    name: str            # short name as the visible title shows it: 向家镇
    address: str
    postcode: str
    phone: str
    contact: str         # person named in the contact sentence
    villages: tuple[str, ...]

    @property
    def kind(self) -> str:
        return "街道" if self.name.endswith("街道") else self.name[-1]

    @property
    def government(self) -> str:
        """The issuing body: 仁寿县向家镇人民政府 (街道 have an 办事处 instead)."""
        if self.kind == "街道":
            return f"{COUNTY}{self.name}办事处"
        return f"{COUNTY}{self.name}人民政府"

    @property
    def we(self) -> str:
        """How the report refers to itself: 我镇, 我乡, 我街道."""
        return "我" + self.kind


def township_names(scale: int) -> list[str]:
    """``30 * scale`` unique names, the base list first."""
    if scale < 1:
        raise ValueError(f"scale must be at least 1, got {scale!r}")
    names = list(BASE_NAMES)
    want = len(BASE_NAMES) * scale
    seen = set(names)
    for stem in _STEMS:
        for root in _ROOTS:
            for suffix in ("镇", "乡"):
                if len(names) >= want:
                    return names
                name = f"{stem}{root}{suffix}"
                if name not in seen:
                    seen.add(name)
                    names.append(name)
    number = 1
    while len(names) < want:  # beyond 1,230 townships: numbered names
        names.append(f"第{number}新区街道")
        number += 1
    return names


def make_townships(scale: int, rng: random.Random) -> list[Township]:
    towns = []
    for index, name in enumerate(township_names(scale)):
        stem = name[:-2] if name.endswith("街道") else name[:-1]
        street = rng.choice(("中心街", "正街", "新街", "场镇街", "人民路", "滨河路"))
        villages = tuple(f"{part}村" for part in rng.sample(_VILLAGE_PARTS, 3))
        if name == CROWN_VILLAGE_TOWN:
            villages = ("皇冠村",) + villages[1:]
        contact = RARE_CONTACTS.get(name) or rng.choice(SURNAMES) + rng.choice(GIVEN)
        towns.append(
            Township(
                name=name,
                address=f"{COUNTY}{stem}{street}{rng.choice(('南段', '北段', '东段', ''))}{rng.randint(1, 199)}号",
                postcode=f"6125{index % 100:02d}",
                phone=f"028-3{rng.randint(6000000, 7999999)}",
                contact=contact,
                villages=villages,
            )
        )
    return towns


#: Categories of information published on the county site (prose reports). The last one is
#: 其他信息: the legitimate 其他 that spam word replacement collides with.
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("plans", "规划计划类"),
    ("dynamics", "乡镇动态概况信息"),
    ("public_opinion", "社情民意"),
    ("policy", "政策宣传类信息"),
    ("finance", "财经类"),
    ("other", "其他信息"),
)


@dataclass(slots=True)
class Figures:
    """Every number a report states. Mutable so ``mutate.edit_report`` can change one."""

    active_total: int
    website_total: int
    categories: dict[str, int]
    offline_total: int
    responses: int
    meetings: int
    trainings: int
    trainees: int
    # national template (2019 on)
    docs_made: int = 0
    docs_published: int = 0
    docs_in_force: int = 0
    docs_repealed: int = 0
    licences: int = 0
    penalties: int = 0
    compulsions: int = 0
    fees: float = 0.0
    applications: dict[str, int] = field(default_factory=dict)
    review: tuple[int, int, int, int] = (0, 0, 0, 0)
    litigation: tuple[int, int, int, int] = (0, 0, 0, 0)


def split_total(total: int, parts: int, rng: random.Random) -> list[int]:
    """``parts`` non-negative integers summing to ``total``."""
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    bounds = [0, *cuts, total]
    return [bounds[i + 1] - bounds[i] for i in range(parts)]


def make_figures(rng: random.Random, year: int) -> Figures:
    website = rng.randint(60, 260)
    cats = split_total(website - len(CATEGORIES), len(CATEGORIES), rng)
    categories = {key: count + 1 for (key, _), count in zip(CATEGORIES, cats)}
    offline = rng.choice((0, rng.randint(50, 600)))
    received = rng.choice((0, 0, 0, 1, 2, 3))
    granted = rng.randint(0, received)
    partial = rng.randint(0, received - granted)
    unavailable = received - granted - partial
    review_total = rng.choice((0, 0, 0, 1))
    return Figures(
        active_total=website + offline,
        website_total=website,
        categories=categories,
        offline_total=offline,
        responses=rng.randint(0, 15),
        meetings=rng.randint(1, 8),
        trainings=rng.randint(1, 6),
        trainees=rng.choice((20, 30, 40, 50, 60, 80, 100, 120, 150)),
        docs_made=(made := rng.randint(0, 4)),
        docs_published=made,
        docs_in_force=made + rng.randint(0, 9),
        docs_repealed=rng.randint(0, 2),
        licences=rng.randint(0, 40),
        penalties=rng.randint(0, 12),
        compulsions=rng.randint(0, 2),
        fees=round(rng.uniform(0, 30), 2) if year >= 2021 else 0.0,
        applications={
            "natural": received,
            "legal": 0,
            "carried_in": 0,
            "granted": granted,
            "partial": partial,
            "unavailable": unavailable,
            "carried_over": 0,
        },
        review=(review_total, 0, 0, 0),
        litigation=(0, 0, 0, 0),
    )
