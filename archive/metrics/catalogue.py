"""The one table of statistic ids, with the words a reader sees.

Ids are stable snake_case; the same id means the same figure in every template (prose-2016,
trial-2019, revised-2021). Each metric carries:

- ``label``: the source wording the extractor reads (``N`` stands for the figure), as
  docs/extraction.md prints it;
- ``label_zh``: the name as the national template words it (the rows of 主动公开政府信息情况, the
  rows and applicant columns of 收到和处理政府信息公开申请情况, the results of 行政复议 / 行政诉讼),
  prose-era figures in the same words; where the 2019 trial and 2021 revised templates word a row
  differently, the 2021 wording (``concordance`` keeps the older words);
- ``label_en``: a short English label;
- ``section``: the part of the report it belongs to (``SECTIONS``).

Table cells get one id per (row, column): ``<row>`` for the row's 总计 / only column and
``<row>_<column>`` for the others (``applications_new_natural``). ``DERIVED`` holds ids that no
extractor emits but the concordance computes (a sum of cells); they have labels too.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

PROSE, TRIAL, REVISED = "prose-2016", "trial-2019", "revised-2021"
TEMPLATES: tuple[str, ...] = (PROSE, TRIAL, REVISED)          # oldest first
P, T, R = PROSE, TRIAL, REVISED


class Lang(StrEnum):
    ZH = "zh"
    EN = "en"


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    zh: str
    en: str

    def text(self, lang: Lang | str = Lang.ZH) -> str:
        return self.en if lang == Lang.EN else self.zh


# in the order a report presents them
SECTIONS: tuple[Section, ...] = (
    Section("active", "主动公开政府信息情况", "Proactive disclosure"),
    Section("work", "回应关切、会议和培训", "Responses, meetings and training"),
    Section("art20-1", "第二十条第（一）项：规章和规范性文件", "Art. 20(1): rules and normative documents"),
    Section("art20-5", "第二十条第（五）项：行政许可等", "Art. 20(5): licensing and other services"),
    Section("art20-6", "第二十条第（六）项：行政处罚和行政强制", "Art. 20(6): penalties and enforcement"),
    Section("art20-8", "第二十条第（八）项：行政事业性收费", "Art. 20(8): administrative fees"),
    Section("art20-9", "第二十条第（九）项：政府集中采购", "Art. 20(9): central procurement"),
    Section("applications", "收到和处理政府信息公开申请情况", "Applications received and handled"),
    Section("review_litigation", "政府信息公开行政复议、行政诉讼情况", "Reconsideration and litigation"),
    Section("fees", "政府信息公开的收费及减免情况", "Fees for disclosure"),
)
SECTION_BY_ID: dict[str, Section] = {s.id: s for s in SECTIONS}

TEMPLATE_NAMES: dict[str, tuple[str, str]] = {
    PROSE: ("文字报告（2016—2018年）", "prose report (2016-2018)"),
    TRIAL: ("2019年试行格式", "2019 trial template"),
    REVISED: ("2021年修订格式", "2021 revised template"),
}


def template_name(template: str | None, lang: Lang | str = Lang.ZH) -> str:
    """A template's name for readers; an unknown one is shown as given."""
    if template is None:
        return "—"
    names = TEMPLATE_NAMES.get(template)
    return template if names is None else names[1 if lang == Lang.EN else 0]


@dataclass(frozen=True, slots=True)
class Metric:
    id: str
    unit: str | None
    label: str                   # the Chinese row / column or prose wording it comes from
    templates: tuple[str, ...]
    section: str = ""
    label_zh: str = ""
    label_en: str = ""

    def text(self, lang: Lang | str = Lang.ZH) -> str:
        return self.label_en if lang == Lang.EN else self.label_zh


# id, unit, source wording, templates, section, 中文, English
_BASE: tuple[tuple[str, str | None, str, tuple[str, ...], str, str, str], ...] = (
    # prose figures (2016-2018 reports; the overview paragraphs of later ones)
    ("active_total", "条", "主动公开（政府）信息N条", (P, T, R), "active",
     "主动公开政府信息", "Items disclosed proactively"),
    ("active_website", "条", "其中通过…网站公开信息N条", (P, T, R), "active",
     "其中：通过政府网站公开", "of which on the government website"),
    ("active_offline", "条", "通过…等方式（和途径/线下渠道）公开信息N条", (P, T, R), "active",
     "其中：通过公开栏等线下渠道公开", "of which offline (notice boards etc.)"),
    ("active_plans", "条", "规划计划类N条", (P,), "active", "规划计划类信息", "Plans and programmes"),
    ("active_dynamics", "条", "（乡镇）动态概况信息N条", (P,), "active", "动态概况信息", "News and overview"),
    ("active_public_opinion", "条", "社情民意N条", (P,), "active", "社情民意信息", "Public opinion"),
    ("active_policy", "条", "政策宣传类信息N条", (P,), "active", "政策宣传类信息", "Policy publicity"),
    ("active_finance", "条", "财经类N条", (P,), "active", "财经类信息", "Finance"),
    ("active_other", "条", "其他信息N条", (P,), "active", "其他信息", "Other items"),
    ("public_responses", "条", "回应群众事件数 / 回应群众关切N条", (P, T, R), "work",
     "回应群众关切", "Responses to public concerns"),
    ("meetings", "次", "召开…会议N次", (P, T, R), "work", "召开政务公开工作会议", "Disclosure work meetings"),
    ("trainings", "次", "举办…培训班N次", (P, T, R), "work", "举办培训班", "Training sessions"),
    ("trainees", "人次", "培训人数N（余）人次; qualifier more_than for 余/多", (P, T, R), "work",
     "培训人数", "Trainees (person-times)"),
    ("applications_fees", "元", "依申请公开收费（无…收费 = 0）", (P,), "fees",
     "依申请公开收费金额", "Fees charged for applications"),
    # 第二十条第（一）项
    ("rules_issued", "件", "规章 本年新制作数量 (trial) / 本年制发件数 (revised)", (T, R), "art20-1",
     "规章：本年制发件数", "Rules: issued this year"),
    ("rules_published", "件", "规章 本年新公开数量", (T,), "art20-1",
     "规章：本年新公开数量", "Rules: newly published this year"),
    ("rules_public_total", "件", "规章 对外公开总数量", (T,), "art20-1",
     "规章：对外公开总数量", "Rules: published in all"),
    ("rules_repealed", "件", "规章 本年废止件数", (R,), "art20-1", "规章：本年废止件数", "Rules: repealed this year"),
    ("rules_in_force", "件", "规章 现行有效件数", (R,), "art20-1", "规章：现行有效件数", "Rules: in force"),
    ("docs_issued", "件", "（行政）规范性文件 本年新制作数量 / 本年制发件数", (T, R), "art20-1",
     "行政规范性文件：本年制发件数", "Normative documents: issued this year"),
    ("docs_published", "件", "规范性文件 本年新公开数量", (T,), "art20-1",
     "规范性文件：本年新公开数量", "Normative documents: newly published"),
    ("docs_public_total", "件", "规范性文件 对外公开总数量", (T,), "art20-1",
     "规范性文件：对外公开总数量", "Normative documents: published in all"),
    ("docs_repealed", "件", "行政规范性文件 本年废止件数", (R,), "art20-1",
     "行政规范性文件：本年废止件数", "Normative documents: repealed this year"),
    ("docs_in_force", "件", "行政规范性文件 现行有效件数", (R,), "art20-1",
     "行政规范性文件：现行有效件数", "Normative documents: in force"),
    # 第二十条第（五）（六）（八）（九）项
    ("licences", "件", "行政许可 处理决定数量 / 本年处理决定数量", (T, R), "art20-5",
     "行政许可：本年处理决定数量", "Licensing decisions"),
    ("licences_items_prev_year", "项", "行政许可 上一年项目数量", (T,), "art20-5",
     "行政许可：上一年项目数量", "Licensing: items last year"),
    ("licences_items_change", "项", "行政许可 本年增/减", (T,), "art20-5",
     "行政许可：本年增/减", "Licensing: items added/removed"),
    ("other_services", "件", "其他对外管理服务事项 处理决定数量", (T,), "art20-5",
     "其他对外管理服务事项：处理决定数量", "Other public services: decisions"),
    ("other_services_items_prev_year", "项", "其他对外管理服务事项 上一年项目数量", (T,), "art20-5",
     "其他对外管理服务事项：上一年项目数量", "Other public services: items last year"),
    ("other_services_items_change", "项", "其他对外管理服务事项 本年增/减", (T,), "art20-5",
     "其他对外管理服务事项：本年增/减", "Other public services: items added/removed"),
    ("penalties", "件", "行政处罚 处理决定数量", (T, R), "art20-6",
     "行政处罚：本年处理决定数量", "Penalty decisions"),
    ("penalties_items_prev_year", "项", "行政处罚 上一年项目数量", (T,), "art20-6",
     "行政处罚：上一年项目数量", "Penalties: items last year"),
    ("penalties_items_change", "项", "行政处罚 本年增/减", (T,), "art20-6",
     "行政处罚：本年增/减", "Penalties: items added/removed"),
    ("compulsions", "件", "行政强制 处理决定数量", (T, R), "art20-6",
     "行政强制：本年处理决定数量", "Enforcement decisions"),
    ("compulsions_items_prev_year", "项", "行政强制 上一年项目数量", (T,), "art20-6",
     "行政强制：上一年项目数量", "Enforcement: items last year"),
    ("compulsions_items_change", "项", "行政强制 本年增/减", (T,), "art20-6",
     "行政强制：本年增/减", "Enforcement: items added/removed"),
    ("fees", "万元", "行政事业性收费 本年收费金额（万元）", (R,), "art20-8",
     "行政事业性收费：本年收费金额", "Administrative fees collected"),
    ("fees_items_prev_year", "项", "行政事业性收费 上一年项目数量", (T,), "art20-8",
     "行政事业性收费：上一年项目数量", "Administrative fees: items last year"),
    ("fees_items_change", "项", "行政事业性收费 本年增/减", (T,), "art20-8",
     "行政事业性收费：本年增/减", "Administrative fees: items added/removed"),
    ("procurement_items", "项", "政府集中采购 采购项目数量", (T,), "art20-9",
     "政府集中采购：采购项目数量", "Central procurement: projects"),
    ("procurement_amount", "万元", "政府集中采购 采购总金额", (T,), "art20-9",
     "政府集中采购：采购总金额", "Central procurement: amount"),
)

# applications table: rows (id, source wording, templates, 中文, English)
APPLICATION_ROWS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("applications_new", "一、本年新收政府信息公开申请数量", (P, T, R)),
    ("applications_carried_in", "二、上年结转政府信息公开申请数量", (T, R)),
    ("applications_granted", "三、（一）予以公开", (T, R)),
    ("applications_partial", "三、（二）部分公开", (T, R)),
    ("applications_refused", "三、（三）不予公开（小计，仅在表格给出时）", (T, R)),
    ("applications_refused_state_secret", "（三）1.属于国家秘密", (T, R)),
    ("applications_refused_law_prohibited", "（三）2.其他法律行政法规禁止公开", (T, R)),
    ("applications_refused_security_stability", "（三）3.危及“三安全一稳定”", (T, R)),
    ("applications_refused_third_party", "（三）4.保护第三方合法权益", (T, R)),
    ("applications_refused_internal_affairs", "（三）5.属于三类内部事务信息", (T, R)),
    ("applications_refused_process_info", "（三）6.属于四类过程性信息", (T, R)),
    ("applications_refused_enforcement_files", "（三）7.属于行政执法案卷", (T, R)),
    ("applications_refused_query_matters", "（三）8.属于行政查询事项", (T, R)),
    ("applications_unavailable", "三、（四）无法提供（小计）", (T, R)),
    ("applications_unavailable_not_held", "（四）1.本机关不掌握相关政府信息", (T, R)),
    ("applications_unavailable_needs_creation", "（四）2.没有现成信息需要另行制作", (T, R)),
    ("applications_unavailable_unclear", "（四）3.补正后申请内容仍不明确", (T, R)),
    ("applications_not_processed", "三、（五）不予处理（小计）", (T, R)),
    ("applications_not_processed_complaint", "（五）1.信访举报投诉类申请", (T, R)),
    ("applications_not_processed_repeat", "（五）2.重复申请", (T, R)),
    ("applications_not_processed_publication", "（五）3.要求提供公开出版物", (T, R)),
    ("applications_not_processed_mass_repeat", "（五）4.无正当理由大量反复申请", (T, R)),
    ("applications_not_processed_confirmation", "（五）5.要求行政机关确认或重新出具已获取信息", (T, R)),
    ("applications_other_handling", "三、（六）其他处理", (T, R)),
    ("applications_other_no_correction", "（六）1.申请人无正当理由逾期不补正…", (R,)),
    ("applications_other_unpaid_fee", "（六）2.申请人逾期未按收费通知要求缴纳费用…", (R,)),
    ("applications_other_misc", "（六）3.其他", (R,)),
    ("applications_handled", "三、（七）总计", (T, R)),
    ("applications_carried_over", "四、结转下年度继续办理", (T, R)),
)
# the reader's words for those rows: id -> (中文, English)
APPLICATION_NAMES: dict[str, tuple[str, str]] = {
    "applications_new": ("本年新收政府信息公开申请数量", "New applications"),
    "applications_carried_in": ("上年结转政府信息公开申请数量", "Carried in from last year"),
    "applications_granted": ("予以公开", "Granted in full"),
    "applications_partial": ("部分公开", "Granted in part"),
    "applications_refused": ("不予公开", "Refused"),
    "applications_refused_state_secret": ("不予公开：属于国家秘密", "Refused: state secret"),
    "applications_refused_law_prohibited": ("不予公开：其他法律行政法规禁止公开", "Refused: barred by other laws"),
    "applications_refused_security_stability": ("不予公开：危及“三安全一稳定”", "Refused: security or stability"),
    "applications_refused_third_party": ("不予公开：保护第三方合法权益", "Refused: third-party rights"),
    "applications_refused_internal_affairs": ("不予公开：属于三类内部事务信息", "Refused: internal affairs"),
    "applications_refused_process_info": ("不予公开：属于四类过程性信息", "Refused: process information"),
    "applications_refused_enforcement_files": ("不予公开：属于行政执法案卷", "Refused: enforcement files"),
    "applications_refused_query_matters": ("不予公开：属于行政查询事项", "Refused: inquiry matters"),
    "applications_unavailable": ("无法提供", "Cannot be provided"),
    "applications_unavailable_not_held": ("无法提供：本机关不掌握相关政府信息", "Cannot provide: not held"),
    "applications_unavailable_needs_creation": ("无法提供：没有现成信息需要另行制作", "Cannot provide: would need creating"),
    "applications_unavailable_unclear": ("无法提供：补正后申请内容仍不明确", "Cannot provide: still unclear"),
    "applications_not_processed": ("不予处理", "Not processed"),
    "applications_not_processed_complaint": ("不予处理：信访举报投诉类申请", "Not processed: petitions, complaints"),
    "applications_not_processed_repeat": ("不予处理：重复申请", "Not processed: repeat application"),
    "applications_not_processed_publication": ("不予处理：要求提供公开出版物", "Not processed: asks for publications"),
    "applications_not_processed_mass_repeat": ("不予处理：无正当理由大量反复申请", "Not processed: mass repeats"),
    "applications_not_processed_confirmation": ("不予处理：要求行政机关确认或重新出具已获取信息",
                                                "Not processed: confirm or reissue"),
    "applications_other_handling": ("其他处理", "Other handling"),
    "applications_other_no_correction": ("其他处理：申请人无正当理由逾期不补正", "Other: not corrected in time"),
    "applications_other_unpaid_fee": ("其他处理：申请人逾期未按收费通知要求缴纳费用", "Other: fee not paid in time"),
    "applications_other_misc": ("其他处理：其他", "Other handling: other"),
    "applications_handled": ("办理结果总计", "Total handled"),
    "applications_carried_over": ("结转下年度继续办理", "Carried over (in progress)"),
}
# applicant columns: (suffix, source wording, 中文, English); "" is the 总计 column
APPLICANT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("natural", "自然人"),
    ("legal", "法人或其他组织（未分列时）"),
    ("commercial", "商业企业"),
    ("research", "科研机构"),
    ("nonprofit", "社会公益组织"),
    ("legal_service", "法律服务机构"),
    ("other_org", "其他"),
    ("", "总计"),
)
APPLICANT_NAMES: dict[str, tuple[str, str]] = {
    "natural": ("自然人", "natural persons"),
    "legal": ("法人或其他组织", "legal persons and organisations"),
    "commercial": ("商业企业", "businesses"),
    "research": ("科研机构", "research institutions"),
    "nonprofit": ("社会公益组织", "public-interest organisations"),
    "legal_service": ("法律服务机构", "legal service providers"),
    "other_org": ("法人或其他组织：其他", "other organisations"),
}
# review / litigation table: groups (prefix, source wording) and result columns (suffix, source wording)
REVIEW_GROUPS: tuple[tuple[str, str], ...] = (
    ("review", "行政复议"),
    ("litigation", "行政诉讼 未经复议直接起诉"),
    ("litigation_after_review", "行政诉讼 复议后起诉"),
)
REVIEW_GROUP_NAMES: dict[str, tuple[str, str]] = {
    "review": ("行政复议", "Reconsideration"),
    "litigation": ("行政诉讼（未经复议直接起诉）", "Lawsuits filed directly"),
    "litigation_after_review": ("行政诉讼（复议后起诉）", "Lawsuits after reconsideration"),
}
REVIEW_RESULTS: tuple[tuple[str, str], ...] = (
    ("maintained", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)
REVIEW_RESULT_NAMES: dict[str, str] = {
    "maintained": "upheld", "corrected": "corrected", "other": "other outcome", "pending": "pending",
    "total": "total",
}


def _all() -> dict[str, Metric]:
    table = {row[0]: Metric(*row) for row in _BASE}
    for row, label, templates in APPLICATION_ROWS:
        row_zh, row_en = APPLICATION_NAMES[row]
        for suffix, column in APPLICANT_COLUMNS:
            metric_id = f"{row}_{suffix}" if suffix else row
            zh, en = (row_zh, row_en) if not suffix else (
                f"{row_zh}（{APPLICANT_NAMES[suffix][0]}）", f"{row_en}: {APPLICANT_NAMES[suffix][1]}")
            # the prose reports state how many applications came in, never by applicant
            cell_templates = tuple(t for t in templates if t != P) if suffix else templates
            table[metric_id] = Metric(metric_id, "件", f"{label} × {column}", cell_templates, "applications", zh, en)
    for prefix, group in REVIEW_GROUPS:
        group_zh, group_en = REVIEW_GROUP_NAMES[prefix]
        for suffix, result in REVIEW_RESULTS:
            metric_id = f"{prefix}_{suffix}"
            # the prose reports state only the totals (复议/诉讼 N 件, or that there were none)
            templates = (P, T, R) if suffix == "total" and prefix != "litigation_after_review" else (T, R)
            table[metric_id] = Metric(metric_id, "件", f"{group} {result}", templates, "review_litigation",
                                      f"{group_zh}：{result}", f"{group_en}: {REVIEW_RESULT_NAMES[suffix]}")
    return table


METRICS: dict[str, Metric] = _all()

# computed by the concordance, never emitted by the extractor
DERIVED: dict[str, Metric] = {
    "litigation_all": Metric(
        "litigation_all", "件", "行政诉讼 总计（未经复议直接起诉 + 复议后起诉）", (P, T, R), "review_litigation",
        "行政诉讼：总计（直接起诉与复议后起诉合计）", "Lawsuits: total, direct and after reconsideration"),
}


# where a template words an id otherwise than the catalogue label (the 2021 wording): (id, template)
TEMPLATE_WORDS: dict[tuple[str, str], tuple[str, str]] = {
    ("public_responses", P): ("回应群众事件数", "Responses to public events"),
    ("litigation_total", P): ("行政诉讼：总计", "Lawsuits: total"),     # prose counts every suit
    ("rules_issued", T): ("规章：本年新制作数量", "Rules: newly made this year"),
    ("docs_issued", T): ("规范性文件：本年新制作数量", "Normative documents: newly made"),
    ("licences", T): ("行政许可：处理决定数量", "Licensing decisions"),
    ("penalties", T): ("行政处罚：处理决定数量", "Penalty decisions"),
    ("compulsions", T): ("行政强制：处理决定数量", "Enforcement decisions"),
}


def metric(metric_id: str) -> Metric | None:
    """The catalogue entry of an emitted or derived id."""
    return METRICS.get(metric_id) or DERIVED.get(metric_id)


def unit_of(metric_id: str) -> str | None:
    entry = metric(metric_id)
    return entry.unit if entry else None


def label(metric_id: str, lang: Lang | str = Lang.ZH, template: str | None = None) -> str:
    """The reader's name of a metric, in ``template``'s words when it words it otherwise; an id the
    catalogue does not know is shown as it is."""
    worded = TEMPLATE_WORDS.get((metric_id, template))
    if worded:
        return worded[1 if lang == Lang.EN else 0]
    entry = metric(metric_id)
    return entry.text(lang) if entry else metric_id


def section_of(metric_id: str) -> Section | None:
    entry = metric(metric_id)
    return SECTION_BY_ID.get(entry.section) if entry else None
