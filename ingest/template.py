"""The State Council table template as data: canonical keys, printed labels, column order.

Keys follow ``shared/spec/figures.md``. Label patterns are loose on purpose: real reports
drop characters ("其他法律行政止公开"), wrap labels across lines and add spaces, so each
pattern names only the part of a label that survives in every report we have seen. Their loose
parts never match a digit: where a label wraps around its row's values (a borderless PDF table
prints "（区分处理的，只计这一情形，" / "7 2 0 1 0 1 11" / "不计其他情形）"), the values are not label.
"""

from __future__ import annotations

from dataclasses import dataclass

T3_COLS = ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total")
T4_ROWS = ("review", "suit_direct", "suit_after_review")
T4_COLS = ("upheld", "corrected", "other", "pending", "total")


@dataclass(frozen=True)
class RowSpec:
    key: str
    label: str
    """Printed label, as shown to people."""
    pattern: str
    """Loose regex matched against the text with whitespace allowed between characters."""
    cols: tuple[str, ...]


# Table 2, 2021 format
T2_2021 = (
    RowSpec("rules", "规章", r"规章", ("issued", "repealed", "in_force")),
    RowSpec("normative", "行政规范性文件", r"(?:行政)?规范性文件", ("issued", "repealed", "in_force")),
    RowSpec("licensing", "行政许可", r"行政许可", ("decisions",)),
    RowSpec("punishment", "行政处罚", r"行政处罚", ("decisions",)),
    RowSpec("coercion", "行政强制", r"行政强制", ("decisions",)),
    RowSpec("fees", "行政事业性收费", r"行政事业性收费", ("amount",)),
)

# Table 2, 2019 format
T2_2019 = (
    RowSpec("rules", "规章", r"规章", ("made", "published", "total_public")),
    RowSpec("normative", "规范性文件", r"规范性文件", ("made", "published", "total_public")),
    RowSpec("licensing", "行政许可", r"行政许可", ("prev_count", "change", "decisions")),
    RowSpec("other_services", "其他对外管理服务事项", r"其他对外管理服务事项", ("prev_count", "change", "decisions")),
    RowSpec("punishment", "行政处罚", r"行政处罚", ("prev_count", "change", "decisions")),
    RowSpec("coercion", "行政强制", r"行政强制", ("prev_count", "change", "decisions")),
    RowSpec("fees", "行政事业性收费", r"行政事业性收费", ("prev_count", "change")),
    RowSpec("procurement", "政府集中采购", r"政府集中采购", ("projects", "amount")),
)

_T3_HEAD = (
    RowSpec("new_received", "一、本年新收政府信息公开申请数量", r"本年新收\D{0,12}?申请数量", T3_COLS),
    RowSpec("carried_over", "二、上年结转政府信息公开申请数量", r"上年结转\D{0,12}?申请数量", T3_COLS),
    RowSpec("granted", "（一）予以公开", r"予以公开", T3_COLS),
    RowSpec("partial", "（二）部分公开", r"部分公开(?:[（(]区分处理的[^）)\d|｜]*[）)])?", T3_COLS),
    RowSpec("denied_state_secret", "（三）不予公开 1.属于国家秘密", r"国家秘密", T3_COLS),
    RowSpec("denied_law_forbidden", "2.其他法律行政法规禁止公开", r"其他法律\D{0,6}?禁?止公开", T3_COLS),
    RowSpec("denied_security_stability", "3.危及“三安全一稳定”", r"危及\D{0,2}三安全一稳定[^\d|｜]?", T3_COLS),
    RowSpec("denied_third_party", "4.保护第三方合法权益", r"保护第三方合法权益", T3_COLS),
    RowSpec("denied_internal_affairs", "5.属于三类内部事务信息", r"三类内部事务信息", T3_COLS),
    RowSpec("denied_process_info", "6.属于四类过程性信息", r"四类过程性信息", T3_COLS),
    RowSpec("denied_enforcement_file", "7.属于行政执法案卷", r"行政执法案卷", T3_COLS),
    RowSpec("denied_admin_query", "8.属于行政查询事项", r"行政查询事项", T3_COLS),
    RowSpec("unable_not_held", "（四）无法提供 1.本机关不掌握相关政府信息", r"不掌握相关政府信息", T3_COLS),
    RowSpec("unable_need_creation", "2.没有现成信息需要另行制作", r"需要另行制作", T3_COLS),
    RowSpec("unable_unclear", "3.补正后申请内容仍不明确", r"补正后申请内容仍不明确", T3_COLS),
    RowSpec("not_processed_complaint", "（五）不予处理 1.信访举报投诉类申请", r"信访举报投诉类申请", T3_COLS),
    RowSpec("not_processed_repeat", "2.重复申请", r"重复申请", T3_COLS),
    RowSpec("not_processed_publication", "3.要求提供公开出版物", r"公开出版物", T3_COLS),
    RowSpec("not_processed_excessive", "4.无正当理由大量反复申请", r"大量反复申请", T3_COLS),
    RowSpec(
        "not_processed_confirm",
        "5.要求行政机关确认或重新出具已获取信息",
        r"确认或重新出具\D{0,3}?已获取信息",
        T3_COLS,
    ),
)
_T3_TAIL = (
    RowSpec("total_processed", "（七）总计", r"[（(]七[）)]\s*总计", T3_COLS),
    RowSpec("carried_forward", "四、结转下年度继续办理", r"结转下年度继续办理", T3_COLS),
)
T3_OTHER_2021 = (
    RowSpec(
        "other_overdue_correction",
        "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        r"逾期不补正[，、,]?(?:行政机关不再处理其?政府信息公开申请)?",
        T3_COLS,
    ),
    RowSpec(
        "other_overdue_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        r"逾期未按收费通知要求缴纳费用[，、,]?(?:行政机关不再处理其?政府信息公开申请)?",
        T3_COLS,
    ),
    RowSpec("other_other", "3.其他", r"(?<![（(])3\s*[.．、]\s*其他", T3_COLS),
)
T3_OTHER_2019 = (RowSpec("other", "（六）其他处理", r"[（(]六[）)]\s*其他处理", T3_COLS),)

T3_2021 = _T3_HEAD + T3_OTHER_2021 + _T3_TAIL
T3_2019 = _T3_HEAD + T3_OTHER_2019 + _T3_TAIL

T3_RESULT_ROWS_2021 = tuple(spec.key for spec in T3_2021[2:-2])
T3_RESULT_ROWS_2019 = tuple(spec.key for spec in T3_2019[2:-2])

AMOUNT_CELLS = {("t2", "fees", "amount"), ("t2", "procurement", "amount")}

# Short names of table-2 columns, as people say them.
T2_COL_LABELS = {
    "issued": "本年制发", "repealed": "本年废止", "in_force": "现行有效", "decisions": "本年处理决定",
    "amount": "收费金额", "made": "本年新制作", "published": "本年新公开", "total_public": "对外公开总数",
    "prev_count": "上一年项目数", "change": "本年增减", "projects": "采购项目数",
}
