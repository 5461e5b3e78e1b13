"""Reporting units of the replica county besides its townships: county departments, a
development zone and the county government itself.

Every unit publishes the same annual disclosure report as the townships do, in columns of the
same report hub. Names follow the organs a Sichuan county really has (局, 中心, 管委会); what
each one works on (``duties``) feeds the report text of :mod:`replica.unit_texts`.

``UnitKind`` is the replica's own vocabulary for who reports (the ground truth writes it as
``unit_kind``); nothing here is shared with the pipelines.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum

from replica.townships import COUNTY, GIVEN, SURNAMES, Township


class UnitKind(StrEnum):
    """Who a report is by, in the replica's own words."""

    TOWNSHIP = "township"          # 镇, 乡
    SUBDISTRICT = "subdistrict"    # 街道
    DEPARTMENT = "department"      # 局, 委, 办, 中心 of the county government
    GOVERNMENT = "government"      # the county government's own report
    ZONE = "zone"                  # a development zone's management committee
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Department:
    """A reporting unit that is not a township. ``name`` is the unit as its report names it."""

    name: str            # 仁寿县教育和体育局
    short: str           # 县教育和体育局: how the portal's 来源 field and colleagues call it
    kind: UnitKind
    we: str              # how the report refers to itself: 我局, 我中心, 我委, 县政府
    issuer: str          # the body that compiled the report (本报告由…编制)
    duties: tuple[str, ...]   # fields the unit publishes on, for its text
    address: str
    postcode: str
    phone: str
    contact: str
    sports: bool = False      # a unit whose own work is sport: 体育 on every line


#: (name, short name, we, duties, sports). The first two are the units the issue names.
_DEPARTMENTS: tuple[tuple[str, str, str, tuple[str, ...], bool], ...] = (
    ("教育和体育局", "县教育和体育局", "我局",
     ("义务教育招生入学", "学生资助", "校园安全", "体育场馆免费低收费开放", "青少年体育赛事"), True),
    ("体育事业发展中心", "县体育中心", "我中心",
     ("全民健身设施建设", "体育场馆开放", "体育赛事活动", "社会体育指导员培训", "体育彩票公益金使用"), True),
    ("发展和改革局", "县发展改革局", "我局", ("重大项目建设", "价格监测", "粮食储备", "以工代赈"), False),
    ("民政局", "县民政局", "我局", ("城乡低保", "特困人员供养", "养老服务", "婚姻登记"), False),
    ("财政局", "县财政局", "我局", ("预决算公开", "惠民惠农资金", "政府采购", "政府债务"), False),
    ("人力资源和社会保障局", "县人力资源社会保障局", "我局", ("就业创业补贴", "社会保险", "人事考试", "劳动保障监察"), False),
    ("自然资源局", "县自然资源局", "我局", ("国土空间规划", "土地征收", "不动产登记", "矿产资源管理"), False),
    ("住房和城乡建设局", "县住房城乡建设局", "我局", ("保障性住房", "老旧小区改造", "建筑市场监管", "城镇燃气安全"), False),
    ("农业农村局", "县农业农村局", "我局", ("耕地地力保护补贴", "高标准农田建设", "动物防疫", "农村人居环境整治"), False),
    ("卫生健康局", "县卫生健康局", "我局", ("基本公共卫生服务", "医疗机构监管", "计划生育奖励扶助", "传染病防控"), False),
    ("市场监督管理局", "县市场监管局", "我局", ("食品安全抽检", "企业登记注册", "特种设备安全", "价格监督检查"), False),
    ("文化广播电视和旅游局", "县文化广电旅游局", "我局", ("公共文化服务", "文物保护", "旅游市场监管", "应急广播"), False),
)
ZONE_NAME = "仁寿经济开发区管理委员会"
GOVERNMENT_NAME = f"{COUNTY}人民政府"
GOVERNMENT_OFFICE = f"{COUNTY}人民政府办公室"
_STREETS = ("书院路", "陵州大道", "建设路", "迎宾大道", "文林路", "北环路")


def make_departments(rng: random.Random) -> list[Department]:
    """The county's departments and its development zone (the same list at every scale)."""
    def person() -> str:
        return rng.choice(SURNAMES) + rng.choice(GIVEN)

    def place() -> tuple[str, str]:
        return (f"{COUNTY}文林街道{rng.choice(_STREETS)}{rng.randint(1, 399)}号",
                f"028-3{rng.randint(6000000, 7999999)}")

    units = []
    for name, short, we, duties, sports in _DEPARTMENTS:
        address, phone = place()
        full = f"{COUNTY}{name}"
        units.append(Department(full, short, UnitKind.DEPARTMENT, we, full, duties, address, "612560", phone,
                                person(), sports))
    address, phone = place()
    units.append(Department(ZONE_NAME, "开发区管委会", UnitKind.ZONE, "我委", ZONE_NAME,
                            ("招商引资项目", "园区企业服务", "安全生产监管", "征地拆迁补偿"),
                            address, "612560", phone, person()))
    return units


def make_government(rng: random.Random) -> Department:
    """The county government; its report is compiled by the government office."""
    return Department(GOVERNMENT_NAME, "县政府办", UnitKind.GOVERNMENT, "县政府", GOVERNMENT_OFFICE,
                      ("政策解读", "重大行政决策", "财政预决算", "重点领域信息", "政务服务事项"),
                      "四川省眉山市仁寿县文林街道书院路二段", "612560", "028-36202201",
                      rng.choice(("县政务公开办", "县政府办公室政务公开股")))


Unit = Township | Department


def unit_kind(unit: Unit) -> UnitKind:
    if isinstance(unit, Township):
        return UnitKind.SUBDISTRICT if unit.kind == "街道" else UnitKind.TOWNSHIP
    return unit.kind


def unit_name(unit: Unit) -> str:
    """The unit as its report names it: 向家镇, 文林街道, 仁寿县教育和体育局, 仁寿县人民政府."""
    return unit.name


def report_title(unit: Unit, year: int) -> str:
    """仁寿县向家镇2018年政府信息公开工作年度报告 / 仁寿县教育和体育局2024年…"""
    prefix = COUNTY if isinstance(unit, Township) else ""
    return f"{prefix}{unit.name}{year}年政府信息公开工作年度报告"
