"""Writes bench/questions/blind.jsonl and dev.jsonl: questions as citizens and staff ask them.

Expected values are computed from tests/corpus_truth/*.json (every table cell as read by people)
and, for numbers only the prose states, from a sentence of the report quoted in the record. The
answerer's code is never consulted. Run once; the blind set is then frozen (never regenerated to
fit the code). Blind and dev use disjoint phrasings (a phrasing list's last entry is dev-only)
and different random draws.

Record fields: id, question, history, agency (the page's default agency or null), kind, expect
("numbers" | "blank" | "uncertain" | "decline" | "ask_back" | "quote"), expected (numbers that must
be stated), not_expected (numbers that must not be: a group total for a sub-row question),
files (reports that must be cited), quote (the sentence a prose number comes from), cells, note.
"""

from __future__ import annotations

import json
import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
TRUTH = {json.loads(p.read_text(encoding="utf-8"))["file"]: json.loads(p.read_text(encoding="utf-8"))
         for p in sorted((ROOT / "tests" / "corpus_truth").glob("*.json"))}
REPORTS = Path("/work/shared/corpus/reports")

NAMES = {
    "平潭综合实验区管委会": ["平潭", "平潭综合实验区", "平潭管委会", "平潭实验区管委会"],
    "河北省科学技术厅": ["河北省科技厅", "河北科技厅", "省科技厅"],
    "河北省工业和信息化厅": ["河北省工信厅", "河北工信厅", "工信厅"],
    "河北省教育厅": ["河北省教育厅", "河北教育厅", "省教育厅"],
    "河北省人力资源和社会保障厅": ["河北省人社厅", "河北人社厅", "人社厅"],
    "淮安市人民政府": ["淮安市政府", "淮安市人民政府"],
    "淮安市洪泽区人民政府": ["洪泽区政府", "淮安市洪泽区", "洪泽区人民政府"],
    "上海市人民政府办公厅": ["上海市政府办公厅", "上海市人民政府办公厅"],
    "上海市科学技术委员会": ["上海市科委", "上海科委"],
    "沭阳县发展和改革局": ["沭阳县发改局", "沭阳发改局"],
    "沭阳县人民政府": ["沭阳县政府", "沭阳县人民政府"],
    "桃江县财政局": ["桃江县财政局", "桃江财政局"],
}
DIGITS = "〇一二三四五六七八九"

T3_GROUPS = {
    "denied": ["denied_state_secret", "denied_law_forbidden", "denied_security_stability", "denied_third_party",
               "denied_internal_affairs", "denied_process_info", "denied_enforcement_file", "denied_admin_query"],
    "unable": ["unable_not_held", "unable_need_creation", "unable_unclear"],
    "not_processed": ["not_processed_complaint", "not_processed_repeat", "not_processed_publication",
                      "not_processed_excessive", "not_processed_confirm"],
    "other": ["other_overdue_correction", "other_overdue_fee", "other_other"],
    "disclosed": ["granted", "partial"],
}
GROUP_WORDS = {
    "denied": ["不予公开", "不予公开的", "决定不公开的"],
    "unable": ["无法提供", "无法提供信息的", "没法提供的"],
    "not_processed": ["不予处理", "不予处理的", "没有受理处理的"],
    "other": ["其他处理", "按其他方式处理的", "其他处理的"],
    "disclosed": ["予以公开和部分公开", "公开了（含部分公开）", "同意公开加部分公开"],
}
SUBROW_WORDS = {
    "denied_state_secret": ["因为属于国家秘密不予公开的", "涉及国家秘密没公开的"],
    "denied_law_forbidden": ["因为法律行政法规禁止公开而不公开的", "被法律法规禁止公开的"],
    "denied_security_stability": ["因危及三安全一稳定不予公开的", "因为危及国家安全、社会稳定没公开的"],
    "denied_third_party": ["为保护第三方合法权益不予公开的", "因涉及第三方权益没公开的"],
    "denied_internal_affairs": ["因属于内部事务信息不予公开的", "属于三类内部事务信息没公开的"],
    "denied_process_info": ["因属于过程性信息不予公开的", "属于四类过程性信息没有公开的"],
    "denied_enforcement_file": ["因属于行政执法案卷不公开的", "属于行政执法案卷没公开的"],
    "denied_admin_query": ["属于行政查询事项不予公开的", "因为是行政查询事项没公开的"],
    "unable_not_held": ["因为本机关不掌握相关信息无法提供的", "机关手里没有这个信息所以没法提供的"],
    "unable_need_creation": ["因为没有现成信息需要另行制作而无法提供的", "需要另外制作信息所以没法提供的"],
    "unable_unclear": ["补正后申请内容仍不明确的", "补正以后申请内容还是不清楚的"],
    "not_processed_complaint": ["属于信访举报投诉类申请不予处理的", "其实是信访投诉所以不处理的"],
    "not_processed_repeat": ["重复申请不予处理的", "因为重复申请没有处理的"],
    "not_processed_publication": ["要求提供公开出版物不予处理的", "要的是公开出版物所以不处理的"],
    "not_processed_excessive": ["无正当理由大量反复申请的", "没正当理由大量反复申请的"],
    "not_processed_confirm": ["要求行政机关确认或重新出具已获取信息的", "要求确认或者重新出具已经拿到的信息的"],
    "other_overdue_correction": ["申请人逾期不补正、机关不再处理的", "申请人过期不补正材料所以不再处理的"],
    "other_overdue_fee": ["逾期未缴纳信息处理费而不再处理的", "申请人不按时交费所以不再处理的"],
    "other_other": ["其他处理里的“其他”一项", "其他处理中其他情形的"],
}
SUBROW_GROUP = {row: group for group, rows in T3_GROUPS.items() for row in rows if group != "disclosed"}
ROW_WORDS = {
    "new_received": ["收到多少政府信息公开申请", "新收了多少件信息公开申请", "一共接到多少份公开申请",
                     "收到的依申请公开件数是多少", "本年新收的政府信息公开申请有多少"],
    "carried_over": ["上年结转过来的申请有多少件", "从上一年转过来的申请有几件", "上年结转的申请数量是多少"],
    "granted": ["予以公开的有多少件", "全部公开的申请有多少", "同意公开的有几件"],
    "partial": ["部分公开了多少件", "部分公开的有几件", "区分处理、部分公开的有多少"],
    "total_processed": ["办结了多少件申请", "一共答复办理了多少件申请", "处理的申请总计多少件"],
    "carried_forward": ["结转到下一年继续办理的有多少件", "还有多少申请转入下年度办理", "结转下年度的有几件"],
}
COLUMN_WORDS = {
    "natural_person": ["自然人提出的", "老百姓个人提交的", "自然人"],
    "commercial": ["商业企业提出的", "企业申请的", "公司企业提的"],
    "research": ["科研机构提出的", "科研院所申请的"],
    "social_org": ["社会公益组织提出的", "公益组织申请的"],
    "legal_service": ["法律服务机构提出的", "律师事务所等法律服务机构申请的", "律所提的"],
    "other_org": ["其他法人或组织提出的", "其他组织申请的"],
}
T4_WORDS = {
    ("review", "total"): ["被申请行政复议多少件", "因政府信息公开被提起的行政复议有几起", "行政复议案件一共多少"],
    ("review", "upheld"): ["行政复议结果维持的有几件", "复议后维持原决定的有多少"],
    ("review", "corrected"): ["行政复议被纠正的有几件", "复议结果纠正的多少件"],
    ("suit_direct", "total"): ["未经复议直接被起诉的有多少件", "被直接告上法院（没经过复议）的有几件"],
    ("suit_after_review", "total"): ["复议后又起诉的有多少件", "经过复议以后再提起诉讼的有几件"],
    ("review", "pending"): ["行政复议尚未审结的有几件", "还没审结的复议案件多少"],
}
T2_2021_WORDS = {
    ("normative", "issued"): ["本年制发了多少件行政规范性文件", "新制定的规范性文件有几件"],
    ("normative", "repealed"): ["废止了多少件规范性文件", "本年废止的行政规范性文件多少件"],
    ("normative", "in_force"): ["现行有效的规范性文件有多少件", "目前还有效的行政规范性文件数量"],
    ("rules", "in_force"): ["现行有效的规章有几件", "现行有效规章多少件"],
    ("licensing", "decisions"): ["行政许可决定有多少个", "作出了多少个行政许可处理决定"],
    ("punishment", "decisions"): ["作出了多少行政处罚决定", "行政处罚的处理决定数量是多少"],
    ("coercion", "decisions"): ["行政强制决定有几个", "作出多少个行政强制决定"],
    ("fees", "amount"): ["行政事业性收费金额是多少万元", "本年收费金额多少"],
}
T2_2019_WORDS = {
    ("licensing", "prev_count"): ["行政许可上一年项目数量是多少", "行政许可事项上一年有几项"],
    ("licensing", "change"): ["行政许可本年增减了多少", "行政许可事项本年增/减是多少"],
    ("licensing", "decisions"): ["行政许可处理决定数量是多少", "作出多少个行政许可决定"],
    ("other_services", "prev_count"): ["其他对外管理服务事项上一年项目数量是多少", "其他对外管理服务事项上一年有几项"],
    ("other_services", "decisions"): ["其他对外管理服务事项的处理决定数量是多少", "其他对外管理服务事项作出了多少决定"],
    ("punishment", "prev_count"): ["行政处罚上一年项目数量是多少", "行政处罚事项上一年有多少项"],
    ("punishment", "decisions"): ["行政处罚处理决定数量是多少", "作出多少个行政处罚决定"],
    ("coercion", "decisions"): ["行政强制处理决定有几个", "行政强制决定数量"],
    ("fees", "prev_count"): ["行政事业性收费上一年项目数量是多少", "收费项目上一年有几项"],
    ("fees", "change"): ["行政事业性收费项目本年增减多少", "收费项目本年增/减了几项"],
    ("procurement", "projects"): ["政府集中采购项目数量是多少", "政府集中采购了多少个项目"],
    ("procurement", "amount"): ["政府集中采购总金额是多少", "集中采购花了多少钱"],
    ("normative", "made"): ["规范性文件本年新制作数量是多少", "新制作了多少件规范性文件"],
    ("normative", "total_public"): ["规范性文件对外公开总数量是多少", "对外公开的规范性文件一共多少件"],
}


def file_of(agency: str, year: int) -> str | None:
    return next((f for f, d in TRUTH.items() if d["agency"] == agency and d["year"] == year), None)


def cell(file: str, table: str, row: str, col: str):
    rows = (TRUTH[file]["tables"] or {}).get(table) or {}
    return (rows.get(row) or {}).get(col, "absent")


def is_uncertain(file: str, table: str, row: str, col: str) -> bool:
    return any((u["table"], u["row"], u["col"]) == (table, row, col) for u in TRUTH[file]["uncertain"])


def group_rows(file: str, group: str) -> list[str]:
    rows = T3_GROUPS[group]
    t3 = (TRUTH[file]["tables"] or {}).get("t3") or {}
    if group == "other" and "other" in t3:
        return ["other"]
    return [row for row in rows if row in t3]


def summed(file: str, table: str, rows: list[str], col: str):
    """The sum of printed cells, or None when any is blank/absent (such questions are not generated)."""
    values = [cell(file, table, row, col) for row in rows]
    if not values or any(v is None or v == "absent" for v in values):
        return None
    return sum(values)


def num(value) -> str:
    if isinstance(value, float):
        text = f"{value:f}".rstrip("0").rstrip(".")
        return text
    return str(value)


def pct(part, whole) -> str:
    return str((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def year_text(year: int, style: str) -> str:
    if style == "cn":
        return "".join(DIGITS[int(d)] for d in str(year)) + "年"
    if style == "cn0":
        return "".join("零" if d == "0" else DIGITS[int(d)] for d in str(year)) + "年"
    return f"{year}年"


def sentence_in(file: str, fragment: str) -> str:
    text = (REPORTS / file).read_text(encoding="utf-8", errors="replace")
    at = text.index(fragment)
    start = max(text.rfind(ch, 0, at) for ch in "。；\n") + 1
    ends = [text.find(ch, at) for ch in "。；\n"]
    end = min(e for e in ends if e >= 0) + 1
    return text[start:end].strip()


class Builder:
    def __init__(self, split: str, seed: int) -> None:
        self.split = split
        self.random = random.Random(seed)
        self.records: list[dict] = []

    def pick(self, options: list[str]) -> str:
        """Blind draws from all but the last phrasing; dev only from the last."""
        if len(options) == 1:
            return options[0]
        return options[-1] if self.split == "dev" else self.random.choice(options[:-1])

    def name(self, agency: str) -> str:
        return self.random.choice(NAMES[agency])

    def year(self, year: int) -> str:
        return year_text(year, self.random.choice(["ar", "ar", "ar", "cn", "cn0"]))

    def add(self, kind: str, question: str, expected=(), files=(), expect="numbers", **extra) -> None:
        record = {"id": "", "question": question, "history": extra.pop("history", []),
                  "agency": extra.pop("agency", None), "kind": kind, "expect": expect,
                  "expected": [num(v) for v in expected], "not_expected": [num(v) for v in
                                                                          extra.pop("not_expected", [])],
                  "files": sorted(set(files)), **extra}
        self.records.append(record)


FULL_T3 = [f for f, d in TRUTH.items() if (d["tables"] or {}).get("t3") and not d["uncertain"]
           and f not in ("004_shanghai-bgt-2019.html", "043_shuyang-fgj-2023.html", "039_hebei-jyt-2019.txt")]
T21 = [f for f in FULL_T3 if TRUTH[f]["format"] == "2021"]


def agency_year(file: str) -> tuple[str, int]:
    return TRUTH[file]["agency"], TRUTH[file]["year"]


def build(b: Builder, scale: float) -> None:
    r = b.random

    def n(count: int) -> int:
        return max(1, round(count * scale))

    # Single lookups of the main t3 rows, colloquial, with short names.
    for _ in range(n(24)):
        f = r.choice(FULL_T3)
        a, y = agency_year(f)
        row = r.choice(list(ROW_WORDS))
        v = cell(f, "t3", row, "total")
        if v is None:
            continue
        b.add("single", f"{b.name(a)}{b.year(y)}{b.pick(ROW_WORDS[row])}？", [v], [f],
              cells=[[f, "t3", row, "total"]])

    # Sub-rows must not be answered with their group.
    made = 0
    for _ in range(400):
        if made >= n(30):
            break
        f = r.choice(FULL_T3)
        a, y = agency_year(f)
        row = r.choice(list(SUBROW_WORDS))
        group = SUBROW_GROUP[row]
        if row not in TRUTH[f]["tables"]["t3"]:
            continue
        v = cell(f, "t3", row, "total")
        total = summed(f, "t3", group_rows(f, group), "total")
        if v is None or total is None or total == v or (v == 0 and r.random() < 0.6):
            continue
        b.add("subrow", f"{b.name(a)}{b.year(y)}{b.pick(SUBROW_WORDS[row])}有几件？", [v], [f],
              not_expected=[total], cells=[[f, "t3", row, "total"]])
        made += 1

    # Groups: 不予公开 = its 8 rows, and so on.
    made = 0
    for _ in range(400):
        if made >= n(20):
            break
        f = r.choice(FULL_T3)
        a, y = agency_year(f)
        group = r.choice(["denied", "unable", "not_processed", "other"])
        rows = group_rows(f, group)
        total = summed(f, "t3", rows, "total")
        if total is None or (total == 0 and r.random() < 0.7):
            continue
        word = b.pick(GROUP_WORDS[group])
        asks = ["{a}{y}{w}一共有多少件？", "{a}{y}{w}总共多少？", "{y}{a}{w}申请有几件", "{a}{y}{w}的合计"]
        b.add("group", b.pick(asks).format(a=b.name(a), y=b.year(y), w=word), [total], [f],
              cells=[[f, "t3", row, "total"] for row in rows])
        made += 1

    # Several figures in one question, summed.
    pairs = [
        (("denied", "unable"), ["{a}{y}不予公开和无法提供的一共多少件？", "{a}{y}不予公开的加上无法提供的有多少",
                                "{a}{y}不予公开与无法提供合计几件"]),
        (("unable", "not_processed"), ["{a}{y}无法提供和不予处理的加起来多少件？", "{a}{y}无法提供及不予处理一共多少",
                                       "{a}{y}无法提供、不予处理的合计"]),
        (("disclosed",), ["{a}{y}予以公开和部分公开的一共多少件？", "{a}{y}全部公开加上部分公开的合计多少",
                          "{a}{y}予以公开与部分公开加起来有几件"]),
    ]
    for _ in range(n(16)):
        f = r.choice(FULL_T3)
        a, y = agency_year(f)
        groups, asks = r.choice(pairs)
        rows = [row for g in groups for row in group_rows(f, g)]
        total = summed(f, "t3", rows, "total")
        if total is None:
            continue
        b.add("multi_sum", b.pick(asks).format(a=b.name(a), y=b.year(y)), [total], [f],
              cells=[[f, "t3", row, "total"] for row in rows])
    t2_pairs = [
        ((("licensing", "decisions"), ("coercion", "decisions")),
         ["{a}{y}行政许可和行政强制的决定加起来有多少个？", "{a}{y}行政许可、行政强制决定合计多少",
          "{a}{y}行政许可与行政强制的处理决定一共几个"]),
        ((("punishment", "decisions"), ("coercion", "decisions")),
         ["{a}{y}行政处罚和行政强制决定一共多少个？", "{a}{y}处罚加上强制的决定合计",
          "{a}{y}行政处罚以及行政强制决定加起来多少"]),
    ]
    for _ in range(n(10)):
        f = r.choice(T21)
        a, y = agency_year(f)
        cells, asks = r.choice(t2_pairs)
        values = [cell(f, "t2", row, col) for row, col in cells]
        if any(v is None or v == "absent" for v in values):
            continue
        b.add("multi_sum", b.pick(asks).format(a=b.name(a), y=b.year(y)), [sum(values)], [f],
              cells=[[f, "t2", row, col] for row, col in cells])
    for _ in range(n(8)):
        f = r.choice([f for f in FULL_T3 if (TRUTH[f]["tables"] or {}).get("t4")])
        a, y = agency_year(f)
        rows = ["review", "suit_direct", "suit_after_review"]
        total = summed(f, "t4", rows, "total")
        if total is None:
            continue
        asks = ["{a}{y}行政复议和行政诉讼合计多少件？", "{a}{y}复议加诉讼一共几件", "{a}{y}复议和诉讼加起来有多少"]
        b.add("multi_sum", b.pick(asks).format(a=b.name(a), y=b.year(y)), [total], [f],
              cells=[[f, "t4", row, "total"] for row in rows])

    # Chinese-numeral years.
    for _ in range(n(16)):
        f = r.choice(FULL_T3)
        a, y = agency_year(f)
        row = r.choice(["new_received", "granted", "total_processed", "carried_forward"])
        v = cell(f, "t3", row, "total")
        style = r.choice(["cn", "cn0"])
        b.add("chinese_year", f"{year_text(y, style)}{b.name(a)}{b.pick(ROW_WORDS[row])}", [v], [f],
              cells=[[f, "t3", row, "total"]])

    series = {}
    for f in FULL_T3:
        a, y = agency_year(f)
        series.setdefault(a, {})[y] = f
    multi = {a: ys for a, ys in series.items() if len(ys) >= 3}

    # Year ranges, summed.
    range_forms = ["{y1}到{y2}", "{y1}至{y2}", "{y1}—{y2}", "{y1}-{y2}", "从{y1}到{y2}"]
    for _ in range(n(16)):
        a = r.choice(list(multi))
        ys = sorted(multi[a])
        i = r.randrange(0, len(ys) - 1)
        j = r.randrange(i + 1, min(len(ys), i + 4))
        span = ys[i : j + 1]
        if span != list(range(span[0], span[-1] + 1)):
            continue
        row = r.choice(["new_received", "granted", "total_processed"])
        values = [cell(series[a][y], "t3", row, "total") for y in span]
        if any(v is None for v in values):
            continue
        form = r.choice(range_forms)
        if r.random() < 0.3:
            y1, y2 = year_text(span[0], "cn"), year_text(span[-1], "cn")
        else:
            y1, y2 = f"{span[0]}年", f"{span[-1]}年"
            if "—" in form or "-" in form:
                y1 = str(span[0])
        word = {"new_received": "收到的申请", "granted": "予以公开的", "total_processed": "办结的申请"}[row]
        asks = ["{a}{r}{w}一共多少件？", "{a}{r}{w}加起来有多少", "{r}{a}{w}总数是多少"]
        rng = form.format(y1=y1, y2=y2)
        b.add("range_sum", b.pick(asks).format(a=b.name(a), r=rng, w=word), [sum(values)],
              [series[a][y] for y in span], cells=[[series[a][y], "t3", row, "total"] for y in span])

    # Ranges and 历年, listed year by year.
    for _ in range(n(8)):
        a = r.choice(list(multi))
        ys = sorted(multi[a])
        span = ys[-3:] if r.random() < 0.5 else ys
        if span != list(range(span[0], span[-1] + 1)):
            span = ys[-2:]
        row = r.choice(["new_received", "total_processed", "carried_forward"])
        values = [cell(series[a][y], "t3", row, "total") for y in span]
        word = {"new_received": "收到的申请", "total_processed": "办结的申请",
                "carried_forward": "结转下年度的申请"}[row]
        asks = ["{a}{s}{w}每年分别是多少？", "{a}{s}{w}逐年是多少", "{a}{s}{w}各年的数字"]
        s = f"{span[0]}到{span[-1]}年" if len(span) < len(ys) or r.random() < 0.5 else "历年"
        if s == "历年" and span != ys:
            continue
        b.add("trend", b.pick(asks).format(a=b.name(a), s=s, w=word), values,
              [series[a][y] for y in span], cells=[[series[a][y], "t3", row, "total"] for y in span])

    # 近N年: the newest N reports of that agency; summed when asked to add, else listed.
    for _ in range(n(14)):
        a = r.choice(list(multi))
        newest = max(multi[a])
        count = r.choice([2, 3])
        span = [y for y in range(newest - count + 1, newest + 1)]
        if any(y not in multi[a] for y in span):
            continue
        row = r.choice(["new_received", "granted", "partial"])
        values = [cell(multi[a][y], "t3", row, "total") for y in span]
        word = {"new_received": "收到的申请", "granted": "予以公开的", "partial": "部分公开的"}[row]
        cn = {2: "两", 3: "三"}[count]
        files = [multi[a][y] for y in span]
        if r.random() < 0.5:
            asks = ["{a}近{c}年{w}加起来有多少？", "{a}近{c}年{w}总共多少件", "{a}最近{c}年{w}合计"]
            b.add("recent_sum", b.pick(asks).format(a=b.name(a), c=cn, w=word), [sum(values)], files,
                  note=f"近{count}年 = the newest {count} reports of the agency: {span}")
        else:
            asks = ["{a}近{c}年{w}各是多少？", "{a}近{c}年每年{w}有多少", "{a}最近{c}年{w}分别多少"]
            b.add("recent_list", b.pick(asks).format(a=b.name(a), c=cn, w=word), values, files,
                  note=f"近{count}年 = the newest {count} reports of the agency: {span}")

    # 比上一年: the year asked and the one before.
    for _ in range(n(16)):
        a = r.choice(list(multi))
        ys = [y for y in multi[a] if y - 1 in multi[a]]
        y = r.choice(ys)
        row = r.choice(["new_received", "granted", "total_processed"])
        now, before = cell(multi[a][y], "t3", row, "total"), cell(multi[a][y - 1], "t3", row, "total")
        if now == before:
            continue
        word = {"new_received": "收到的申请", "granted": "予以公开的", "total_processed": "办结的申请"}[row]
        asks = ["{a}{y}{w}比上一年多了还是少了？差几件？", "{a}{y}{w}和前一年比变化了多少",
                "{a}{y}{w}比上年增加或减少了多少件", "{a}{y}{w}较上一年相差几件"]
        b.add("prev_year", b.pick(asks).format(a=b.name(a), y=b.year(y), w=word),
              [before, now, abs(now - before)], [multi[a][y], multi[a][y - 1]])

    # Two agencies compared.
    by_year: dict[int, list[str]] = {}
    for f in FULL_T3:
        by_year.setdefault(TRUTH[f]["year"], []).append(f)
    years = [y for y, fs in by_year.items() if len(fs) >= 2]
    for _ in range(n(20)):
        y = r.choice(years)
        f1, f2 = r.sample(by_year[y], 2)
        row = r.choice(["new_received", "granted", "total_processed"])
        v1, v2 = cell(f1, "t3", row, "total"), cell(f2, "t3", row, "total")
        if v1 == v2 or v1 is None or v2 is None:
            continue
        a1, a2 = TRUTH[f1]["agency"], TRUTH[f2]["agency"]
        word = {"new_received": "收到的申请", "granted": "予以公开的", "total_processed": "办结的"}[row]
        asks = ["{y}年{a1}和{a2}哪个单位{w}多？多几件？", "{y}年{a1}与{a2}相比，谁{w}更多，差多少",
                "{a1}和{a2}{y}年{w}哪家多？多多少？", "{y}年{w}，{a1}比{a2}多还是少？差几件？"]
        b.add("compare_agencies", b.pick(asks).format(y=y, a1=b.name(a1), a2=b.name(a2), w=word),
              [v1, v2, abs(v1 - v2)], [f1, f2])

    # Shares.
    shares = [
        ("granted", "total_processed", ["{a}{y}予以公开的占办结总数的百分之几？", "{a}{y}予以公开的比例是多少",
                                        "{a}{y}办结的申请里全部公开的占多少"]),
        ("denied", "total_processed", ["{a}{y}不予公开的占办结申请的百分之几？", "{a}{y}不予公开占比多少",
                                       "{a}{y}不予公开的在总数里占多大比例"]),
        ("natural_person", "new_received", ["{a}{y}自然人提出的申请占收到申请的百分之几？",
                                            "{a}{y}收到的申请里自然人占多少比例", "{a}{y}个人申请占比是多少"]),
    ]
    for _ in range(n(18)):
        f = r.choice(FULL_T3)
        a, y = agency_year(f)
        part_name, whole_row, asks = r.choice(shares)
        if part_name == "natural_person":
            part = cell(f, "t3", "new_received", "natural_person")
        elif part_name == "denied":
            part = summed(f, "t3", group_rows(f, "denied"), "total")
        else:
            part = cell(f, "t3", part_name, "total")
        whole = cell(f, "t3", whole_row, "total")
        if part is None or not whole or part == 0:
            continue
        b.add("share", b.pick(asks).format(a=b.name(a), y=b.year(y)), [pct(part, whole)], [f],
              note=f"{part}/{whole}, one decimal, half up")

    # Columns of table 3.
    for _ in range(n(14)):
        f = r.choice(FULL_T3)
        a, y = agency_year(f)
        col = r.choice(list(COLUMN_WORDS))
        row = r.choice(["new_received", "granted"])
        v = cell(f, "t3", row, col)
        if v is None:
            continue
        tail = {"new_received": "申请有多少件？", "granted": "申请里予以公开的有几件？"}[row]
        b.add("column", f"{b.name(a)}{b.year(y)}{b.pick(COLUMN_WORDS[col])}{tail}", [v], [f],
              cells=[[f, "t3", row, col]])

    # Table 4.
    for _ in range(n(12)):
        f = r.choice([f for f in FULL_T3 if (TRUTH[f]["tables"] or {}).get("t4")])
        a, y = agency_year(f)
        key = r.choice(list(T4_WORDS))
        v = cell(f, "t4", *key)
        if v is None:
            continue
        b.add("t4", f"{b.name(a)}{b.year(y)}{b.pick(T4_WORDS[key])}？", [v], [f], cells=[[f, "t4", *key]])

    # Table 2, 2021 columns.
    for _ in range(n(14)):
        f = r.choice(T21)
        a, y = agency_year(f)
        key = r.choice(list(T2_2021_WORDS))
        v = cell(f, "t2", *key)
        if v is None or v == "absent":
            continue
        b.add("t2_2021", f"{b.name(a)}{b.year(y)}{b.pick(T2_2021_WORDS[key])}？", [v], [f], cells=[[f, "t2", *key]])

    # Table 2, 2019 columns (上一年项目数量, 本年增/减, 政府集中采购…).
    t2_2019 = ["004_shanghai-bgt-2019.html", "010_pingtan-2019.txt", "011_pingtan-2020.txt", "039_hebei-jyt-2019.txt",
               "024_hebei-kjt-2020.txt", "030_hebei-gxt-2019.txt"]
    made = 0
    for _ in range(300):
        if made >= n(20):
            break
        f = r.choice(t2_2019)
        a, y = agency_year(f)
        key = r.choice(list(T2_2019_WORDS))
        v = cell(f, "t2", *key)
        if v == "absent":
            continue
        question = f"{b.name(a)}{b.year(y)}{b.pick(T2_2019_WORDS[key])}？"
        if is_uncertain(f, "t2", *key):
            b.add("uncertain", question, [], [f], expect="uncertain", cells=[[f, "t2", *key]])
        elif v is None:
            b.add("blank", question, [], [f], expect="blank", cells=[[f, "t2", *key]])
        else:
            b.add("t2_2019", question, [v], [f], cells=[[f, "t2", *key]])
        made += 1

    # Blank cells of table 3 (blank is not zero).
    for f, rows in (("004_shanghai-bgt-2019.html", ["granted", "partial"]),
                    ("039_hebei-jyt-2019.txt", ["partial"]), ("043_shuyang-fgj-2023.html", [])):
        for row in rows:
            a, y = agency_year(f)
            if cell(f, "t3", row, "total") is None and b.random.random() < scale + 0.2:
                b.add("blank", f"{b.name(a)}{b.year(y)}{b.pick(ROW_WORDS[row])}？", [], [f], expect="blank",
                      cells=[[f, "t3", row, "total"]])

    # Two-part questions.
    parts = [
        (("new_received", "total_processed"), ["{a}{y}受理了多少申请，办结了多少？",
                                               "{a}{y}收到多少件申请？办结了几件？",
                                               "{a}{y}新收申请多少件，结转下年度前共办结多少件？"]),
        (("granted", "partial"), ["{a}{y}予以公开多少件，部分公开多少件？", "{a}{y}全部公开的有几件？部分公开的呢？",
                                  "{a}{y}予以公开和部分公开各是多少？"]),
        (("new_received", "carried_forward"), ["{a}{y}收到多少申请？还有多少结转到下一年？",
                                               "{a}{y}新收申请几件，结转下年度几件？",
                                               "{a}{y}接到多少申请，转到下年度继续办理的有多少？"]),
    ]
    for _ in range(n(18)):
        f = r.choice(FULL_T3)
        a, y = agency_year(f)
        rows, asks = r.choice(parts)
        values = [cell(f, "t3", row, "total") for row in rows]
        if any(v is None for v in values):
            continue
        b.add("two_part", b.pick(asks).format(a=b.name(a), y=b.year(y)), values, [f],
              cells=[[f, "t3", row, "total"] for row in rows])

    # Rank: the year with the most, for one agency.
    for _ in range(n(6)):
        a = r.choice(list(multi))
        row = r.choice(["new_received", "granted"])
        values = {y: cell(multi[a][y], "t3", row, "total") for y in multi[a]}
        best = max(values.values())
        if list(values.values()).count(best) > 1:
            continue
        year = next(y for y, v in values.items() if v == best)
        word = {"new_received": "收到申请", "granted": "予以公开"}[row]
        asks = ["{a}哪一年{w}最多？有多少件？", "{a}历年{w}最多的是哪年", "{a}{w}数量最多的年份是哪一年"]
        b.add("rank_years", b.pick(asks).format(a=b.name(a), w=word), [year, best], [multi[a][year]])

    # Short names that fit one agency by the years it covers (no ask-back needed).
    fits = [("平潭", "平潭综合实验区管委会", [2019, 2020, 2021, 2022, 2023, 2024, 2025]),
            ("上海", "上海市人民政府办公厅", [2025]), ("沭阳", "沭阳县发展和改革局", [2023]),
            ("沭阳", "沭阳县人民政府", [2025]), ("洪泽", "淮安市洪泽区人民政府", [2023])]
    for _ in range(n(10)):
        short, a, ys = r.choice(fits)
        y = r.choice(ys)
        f = file_of(a, y)
        row = r.choice(["new_received", "total_processed", "granted"])
        v = cell(f, "t3", row, "total")
        if v is None:
            continue
        b.add("short_name", f"{short}{b.year(y)}{b.pick(ROW_WORDS[row])}？", [v], [f], cells=[[f, "t3", row, "total"]])

    # Cross-year 勾稽: 上年结转 of N against 结转下年度 of N-1.
    for _ in range(n(6)):
        a = r.choice(list(multi))
        ys = [y for y in multi[a] if y - 1 in multi[a]]
        y = r.choice(ys)
        now = cell(multi[a][y], "t3", "carried_over", "total")
        before = cell(multi[a][y - 1], "t3", "carried_forward", "total")
        if now is None or before is None:
            continue
        asks = ["{a}{y}年上年结转的申请，和上一年报告里结转下年度的数对得上吗？",
                "{a}{y}年的上年结转数与{p}年的结转下年度是否一致",
                "{a}{y}年上年结转多少件？{p}年结转下年度多少件？"]
        b.add("carry", b.pick(asks).format(a=b.name(a), y=y, p=y - 1), sorted({now, before}),
              [multi[a][y], multi[a][y - 1]])


def prose(b: Builder) -> None:
    """Numbers only the prose states, each with the sentence it comes from."""
    items = [
        ("沭阳县2025年收了多少信息处理费？", "044_shuyang-county-2025.txt", "收取信息处理费共计380元", ["380"]),
        ("沭阳县政府二〇二五年收取的信息处理费一共多少钱", "044_shuyang-county-2025.txt", "收取信息处理费共计380元",
         ["380"]),
        ("河北省教育厅2022年通过网络提出的申请有多少件？", "041_hebei-jyt-2022.txt", "网络申请39件", ["39"]),
        ("省教育厅2022年信函申请几件？", "041_hebei-jyt-2022.txt", "信函申请5件", ["5"]),
        ("河北教育厅二〇二三年网上申请有多少？", "042_hebei-jyt-2023.txt", "网络申请15件", ["15"]),
        ("教育厅2023年用信函方式申请的有几件，占多少？", "042_hebei-jyt-2023.txt", "信函申请4件", ["4", "21"]),
        ("河北省人社厅2017年网上申请了多少件？", "017_hebei-rst-2017.txt", "其中网上申请10件", ["10"]),
        ("人社厅2017年现场申请的有几件？", "017_hebei-rst-2017.txt", "现场申请5件", ["5"]),
        ("河北人社厅2017年通过信函申请的多少件", "017_hebei-rst-2017.txt", "信函申请15件", ["15"]),
        ("平潭县2013年网上申请有几条？", "050_pingtan-county-2013.txt", "网上申请数3条", ["3"]),
        ("平潭县人民政府2012年当面申请的有多少？", "006_pingtan-county-2012.txt", "当面申请数18条", ["18"]),
        ("河北省人社厅2022年收到多少信息公开申请？", "058_hebei-rst-2022.txt", "全年共收到信息公开申请166件", ["166"]),
        ("人社厅二〇二三年办理了多少件依申请公开？", "059_hebei-rst-2023.txt", "办理依申请公开文件数224件", ["224"]),
        ("河北省人社厅2019年受理了多少政府信息公开申请", "019_hebei-rst-2019.txt", "全年共受理政府信息公开申请64件",
         ["64"]),
        ("河北人社厅2020年受理政府信息公开申请多少件？", "020_hebei-rst-2020.txt", "全年共受理政府信息公开申请78件",
         ["78"]),
        ("平潭2023年注销了几个政务新媒体？", "014_pingtan-2023.txt", "注销2个无人维护", ["2"]),
        ("平潭2024年关停注销了多少个政务新媒体", "015_pingtan-2024.txt", "对5个发挥作用不明显", ["5"]),
        ("平潭2022年全区现存多少个政务新媒体？", "013_pingtan-2022.txt", "全区现存的33个政务新媒体", ["33"]),
        ("平潭二〇二五年关停了几个政务新媒体？", "016_pingtan-2025.txt", "政务新媒体2个", ["2"]),
        ("工信厅2023年通过微信公众号和政务微博发布了多少条信息？", "034_hebei-gxt-2023.txt", "发布政务信息1378条",
         ["1378"]),
        ("河北工信厅2022年微信公众号发布了多少篇信息", "033_hebei-gxt-2022.txt", "全年发布信息1566篇", ["1566"]),
        ("河北省科技厅2021年微信公众号发布信息多少篇？", "025_hebei-kjt-2021.txt", "全年发布信息1261篇", ["1261"]),
        ("科技厅2022年视频号发布了多少条信息？", "026_hebei-kjt-2022.txt", "视频号发布信息263条", ["263"]),
        ("河北省教育厅2018年通过官方网站发布了多少条信息", "038_hebei-jyt-2018.txt", "通过官方网站发布信息1683条",
         ["1683"]),
        ("河北教育厅2018年“河北教育发布”公众号发了多少条", "038_hebei-jyt-2018.txt", "2018年共发布信息716条", ["716"]),
        ("河北省人社厅2020年微信公众平台发布了多少条信息？", "020_hebei-rst-2020.txt", "累计发布信息1465条", ["1465"]),
        ("平潭2025年“平潭发布”公众号发布了多少条信息？", "016_pingtan-2025.txt", "公众号发布信息672条", ["672"]),
        ("沭阳县政府2025年督促县直部门在信息公开页面发布了多少条信息", "044_shuyang-county-2025.txt",
         "发布信息3044条", ["3044"]),
        ("河北省科技厅2020年开展了多少场宣讲培训？", "024_hebei-kjt-2020.txt", "宣讲培训服务100余场", ["100"]),
        ("人社厅2017年新闻宣传和舆情应对培训了多少人？", "017_hebei-rst-2017.txt", "培训人员300余人", ["300"]),
        ("科技厅2019年举办参加了几次新闻发布会？", "023_hebei-kjt-2019.txt", "共举办参加新闻发布会5次", ["5"]),
        ("河北省科技厅2020年参加新闻发布会多少次", "024_hebei-kjt-2020.txt", "共举办参加新闻发布会7次", ["7"]),
        ("河北工信厅2019年召开了几场新闻发布会？", "030_hebei-gxt-2019.txt", "全年召开8场新闻发布会", ["8"]),
        ("河北省科技厅2023年微信公众号关注人数多少？", "027_hebei-kjt-2023.txt", "微信公众号关注人数达6.6万人",
         ["6.6"]),
        ("平潭2012年新浪官方微博发了多少条微博？", "049_pingtan-2012.txt", "共发布微博1288条", ["1288"]),
        ("平潭县2013年一共收到几条政府信息公开申请？", "050_pingtan-county-2013.txt", "共收到有关政府信息公开的申请7条",
         ["7"]),
        ("河北省工信厅2016年收到几份信息公开申请？", "028_hebei-gxt-2016.txt", "收到2份以信函形式提出的信息公开申请",
         ["2"]),
        ("工信厅2018年以信函形式收到多少份申请", "029_hebei-gxt-2018.txt", "收到4份以信函形式提出的信息公开申请",
         ["4"]),
        ("河北省教育厅2017年共发布信息多少条？", "057_hebei-jyt-2017.txt", "2017年共发布信息1669条", ["1669"]),
        ("河北科技厅2016年微博发布了多少条信息", "021_hebei-kjt-2016.txt", "微博分别发布信息420条", ["420"]),
    ]
    texts = [
        ("平潭2023年收取信息处理费了吗？", "014_pingtan-2023.txt", "无收取信息处理费情况"),
        ("河北省科技厅2022年收没收信息处理费", "026_hebei-kjt-2022.txt", "2022年未收取信息处理费"),
        ("工信厅2021年有没有收信息处理费？", "032_hebei-gxt-2021.txt", "2021年未收取信息处理费"),
        ("科技厅2019年收到过政府信息公开申请吗？", "023_hebei-kjt-2019.txt", "2019年未收到政府信息公开申请"),
        ("河北省工信厅二〇二〇年行政复议多少件？", "031_hebei-gxt-2020.txt", "未发生涉及政府信息公开的行政复议"),
    ]
    for question, file, fragment, numbers in items:
        quote = sentence_in(file, fragment)
        b.add("prose", question, numbers, [file], expect="quote", quote=quote)
    for question, file, fragment in texts:
        quote = sentence_in(file, fragment)
        b.add("prose_text", question, [], [file], expect="quote", quote=quote, must_say=fragment)
    # Two-part, table and prose: the table figure and the sentence.
    f = "041_hebei-jyt-2022.txt"
    b.add("two_part_mixed", "河北省教育厅2022年收到多少申请？其中网上申请多少？",
          [cell(f, "t3", "new_received", "total"), 39], [f], expect="quote",
          quote=sentence_in(f, "网络申请39件"))
    f = "042_hebei-jyt-2023.txt"
    b.add("two_part_mixed", "教育厅2023年新收了多少件申请，信函申请有几件？",
          [cell(f, "t3", "new_received", "total"), 4], [f], expect="quote", quote=sentence_in(f, "信函申请4件"))


def unanswerable(b: Builder) -> None:
    declines = [
        ("河北省教育厅2020年收到多少申请？", "no 2020 report of 河北省教育厅"),
        ("淮安市政府2022年予以公开多少件", "only 2024 of 淮安市人民政府"),
        ("河北省科技厅二〇二四年办结了多少申请？", "newest report is 2023"),
        ("南京市政府2023年收到多少政府信息公开申请？", "agency not in the corpus"),
        ("杭州市财政局2024年不予公开的有几件", "agency not in the corpus"),
        ("我去年提交的那份信息公开申请现在办到哪一步了？", "personal case, not in reports"),
        ("平潭明天会下雨吗？", "out of scope"),
        ("上海市科委2019年行政复议有几件？", "上海市科委 only 2024"),
        ("沭阳县发改局2025年收到了多少申请", "沭阳县发改局 only 2023"),
        ("桃江县财政局2021年办结多少件", "桃江县财政局 only 2025"),
        ("北京市人社局2023年收到多少申请？", "agency not in the corpus"),
        ("河北省人社厅2022年部分公开了多少件？", "058 prints no table; its prose gives no such number"),
        ("河北省人社厅2023年不予公开的有几件", "059 prints no table; its prose gives no such number"),
        ("洪泽区2021年收到多少申请？", "洪泽区 only 2023, 2024"),
        ("帮我写一份信息公开申请书", "not a question about the reports"),
    ]
    for question, note in declines:
        b.add("unanswerable", question, [], [], expect="decline", note=note)
    ambiguous = [
        ("平潭2012年收到多少政府信息公开申请？", "平潭县人民政府 and 平潭综合实验区管委会 both have 2012"),
        ("平潭2011年主动公开了多少条信息？", "平潭县人民政府 and 平潭综合实验区管委会 both have 2011"),
        ("平潭2013年依申请公开有多少件？", "three 平潭 agencies have 2013"),
    ]
    for question, note in ambiguous:
        b.add("ambiguous", question, [], [], expect="ask_back", note=note)


def main() -> None:
    out = Path(__file__).resolve().parent
    for split, seed, scale in (("blind", 20261130, 1.0), ("dev", 7, 0.25)):
        builder = Builder(split, seed)
        build(builder, scale)
        if split == "blind":
            prose(builder)
            unanswerable(builder)
        seen, records = set(), []
        for record in builder.records:
            if record["question"] in seen:
                continue
            seen.add(record["question"])
            records.append(record)
        for number, record in enumerate(records, start=1):
            record["id"] = f"{split[0]}{number:03d}"
        with (out / f"{split}.jsonl").open("w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        print(split, len(records))


if __name__ == "__main__":
    main()
