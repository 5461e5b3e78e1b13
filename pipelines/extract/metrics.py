"""The one table of statistic ids. Names are stable snake_case; the same id means the same figure
in every template (prose-2016, trial-2019, revised-2021), so a metric compares across years.

Table cells get one id per (row, column): ``<row>`` for the row's 总计 / only column and
``<row>_<column>`` for the others (``applications_new_natural``). docs/extraction.md prints this
table; a test checks that every id the extractor emits is listed here.
"""

from __future__ import annotations

from dataclasses import dataclass

P, T, R = "prose-2016", "trial-2019", "revised-2021"


@dataclass(frozen=True, slots=True)
class Metric:
    id: str
    unit: str | None
    label: str          # the Chinese row / column or prose wording it comes from
    templates: tuple[str, ...]


_BASE: tuple[Metric, ...] = (
    # prose figures (2016-2018 reports; the overview paragraphs of later ones)
    Metric("active_total", "条", "主动公开（政府）信息N条", (P, T, R)),
    Metric("active_website", "条", "其中通过…网站公开信息N条", (P, T, R)),
    Metric("active_plans", "条", "规划计划类N条", (P,)),
    Metric("active_dynamics", "条", "（乡镇）动态概况信息N条", (P,)),
    Metric("active_public_opinion", "条", "社情民意N条", (P,)),
    Metric("active_policy", "条", "政策宣传类信息N条", (P,)),
    Metric("active_finance", "条", "财经类N条", (P,)),
    Metric("active_other", "条", "其他信息N条", (P,)),
    Metric("active_offline", "条", "通过…等方式（和途径/线下渠道）公开信息N条", (P, T, R)),
    Metric("public_responses", "条", "回应群众事件数 / 回应群众关切N条", (P, T, R)),
    Metric("meetings", "次", "召开…会议N次", (P, T, R)),
    Metric("trainings", "次", "举办…培训班N次", (P, T, R)),
    Metric("trainees", "人次", "培训人数N（余）人次; qualifier more_than for 余/多", (P, T, R)),
    Metric("applications_fees", "元", "依申请公开收费（无…收费 = 0）", (P,)),
    # 第二十条第（一）项
    Metric("rules_issued", "件", "规章 本年新制作数量 (trial) / 本年制发件数 (revised)", (T, R)),
    Metric("rules_published", "件", "规章 本年新公开数量", (T,)),
    Metric("rules_public_total", "件", "规章 对外公开总数量", (T,)),
    Metric("rules_repealed", "件", "规章 本年废止件数", (R,)),
    Metric("rules_in_force", "件", "规章 现行有效件数", (R,)),
    Metric("docs_issued", "件", "（行政）规范性文件 本年新制作数量 / 本年制发件数", (T, R)),
    Metric("docs_published", "件", "规范性文件 本年新公开数量", (T,)),
    Metric("docs_public_total", "件", "规范性文件 对外公开总数量", (T,)),
    Metric("docs_repealed", "件", "行政规范性文件 本年废止件数", (R,)),
    Metric("docs_in_force", "件", "行政规范性文件 现行有效件数", (R,)),
    # 第二十条第（五）（六）（八）（九）项
    Metric("licences", "件", "行政许可 处理决定数量 / 本年处理决定数量", (T, R)),
    Metric("licences_items_prev_year", "项", "行政许可 上一年项目数量", (T,)),
    Metric("licences_items_change", "项", "行政许可 本年增/减", (T,)),
    Metric("other_services", "件", "其他对外管理服务事项 处理决定数量", (T,)),
    Metric("other_services_items_prev_year", "项", "其他对外管理服务事项 上一年项目数量", (T,)),
    Metric("other_services_items_change", "项", "其他对外管理服务事项 本年增/减", (T,)),
    Metric("penalties", "件", "行政处罚 处理决定数量", (T, R)),
    Metric("penalties_items_prev_year", "项", "行政处罚 上一年项目数量", (T,)),
    Metric("penalties_items_change", "项", "行政处罚 本年增/减", (T,)),
    Metric("compulsions", "件", "行政强制 处理决定数量", (T, R)),
    Metric("compulsions_items_prev_year", "项", "行政强制 上一年项目数量", (T,)),
    Metric("compulsions_items_change", "项", "行政强制 本年增/减", (T,)),
    Metric("fees", "万元", "行政事业性收费 本年收费金额（万元）", (R,)),
    Metric("fees_items_prev_year", "项", "行政事业性收费 上一年项目数量", (T,)),
    Metric("fees_items_change", "项", "行政事业性收费 本年增/减", (T,)),
    Metric("procurement_items", "项", "政府集中采购 采购项目数量", (T,)),
    Metric("procurement_amount", "万元", "政府集中采购 采购总金额", (T,)),
)

# applications table: rows (id, label) and applicant columns (suffix, label)
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
# review / litigation table: groups (prefix, label) and result columns (suffix, label)
REVIEW_GROUPS: tuple[tuple[str, str], ...] = (
    ("review", "行政复议"),
    ("litigation", "行政诉讼 未经复议直接起诉"),
    ("litigation_after_review", "行政诉讼 复议后起诉"),
)
REVIEW_RESULTS: tuple[tuple[str, str], ...] = (
    ("maintained", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)


def _all() -> dict[str, Metric]:
    table = {m.id: m for m in _BASE}
    for row, label, templates in APPLICATION_ROWS:
        for suffix, column in APPLICANT_COLUMNS:
            metric_id = f"{row}_{suffix}" if suffix else row
            table[metric_id] = Metric(metric_id, "件", f"{label} × {column}", templates)
    for prefix, group in REVIEW_GROUPS:
        for suffix, result in REVIEW_RESULTS:
            metric_id = f"{prefix}_{suffix}"
            table[metric_id] = Metric(metric_id, "件", f"{group} {result}", (P, T, R))
    return table


METRICS: dict[str, Metric] = _all()


def unit_of(metric_id: str) -> str | None:
    metric = METRICS.get(metric_id)
    return metric.unit if metric else None
