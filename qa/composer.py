"""The embedded default answer: deterministic Chinese composed from tool results and retrieved
sentences, with numbered citations. It states no number that is not in a cited cell or quote,
or derived by a tool from cited cells."""

from __future__ import annotations

import re

from ingest.checks import COL_LABELS, T4_LABELS
from ingest.template import T2_2019, T2_2021, T2_COL_LABELS, T3_2021, T3_OTHER_2019
from qa.model import Citation, CitedFigure
from qa.tools import FigureValue, Number, percent
from vectorstore.model import Hit

TABLE_NAMES = {"t2": "表二", "t3": "表三", "t4": "表四"}
TABLE_SECTIONS = {"t2": 2, "t3": 3, "t4": 4}
ROW_LABELS = {spec.key: spec.label for spec in T2_2019 + T2_2021 + T3_2021 + T3_OTHER_2019} | T4_LABELS
SENTENCE = re.compile(r"[^。！？；\n]+[。！？；]?")
EXAMPLES = (
    "“平潭综合实验区管委会2023年收到多少政府信息公开申请？”",
    "“河北省教育厅2022年不予公开的有多少件？”",
    "“淮安市人民政府2024年存在哪些主要问题？”",
)


def shown(value: FigureValue) -> str:
    """A figure as printed: its number, 未填报 for a blank cell, or 无法可靠读出 for an unreadable one."""
    if value.value is None and value.unreadable:
        return "无法可靠读出"
    return number(value.value)


def number(value: Number | None) -> str:
    return "未填报" if value is None else format(value, "f") if not isinstance(value, int) else str(value)


class Citations:
    """Numbered citations in order of first use; figures are cited by their table."""

    def __init__(self) -> None:
        self.items: list[Citation] = []
        self.figures: list[CitedFigure] = []

    def figure(self, value: FigureValue) -> str:
        marks = []
        used = value.cells + value.blank
        # A split of run-together digits decided with other years' reports cites their cells too.
        for position, cell in enumerate(used + value.supporting):
            if position < len(used):
                self.figures.append(CitedFigure(cell.agency, cell.year, cell.table, cell.row, cell.col,
                                                _plain(cell.value), cell.raw, cell.page, cell.source))
            quote = f"{TABLE_NAMES[cell.table]} {ROW_LABELS.get(cell.row, cell.row)} " \
                    f"{COL_LABELS.get(cell.col) or T2_COL_LABELS.get(cell.col, cell.col)}：{cell.raw or '（空白）'}"
            marks.append(self._add(Citation(cell.source, cell.agency, cell.year, TABLE_SECTIONS[cell.table],
                                            _section_title(cell.table), cell.page, quote)))
        return _marks(marks)

    def passage(self, hit: Hit, quote: str) -> str:
        chunk = hit.chunk
        return _marks([self._add(Citation(chunk.source, chunk.agency, chunk.year, chunk.section,
                                          chunk.section_title, chunk.page, quote))])

    def _add(self, citation: Citation) -> int:
        for position, existing in enumerate(self.items, start=1):
            if existing == citation:
                return position
        self.items.append(citation)
        return len(self.items)


def _marks(numbers: list[int]) -> str:
    unique = sorted(set(numbers))
    if len(unique) > 4:
        return f"[{unique[0]}-{unique[-1]}]"
    return "".join(f"[{n}]" for n in unique)


def _plain(value):
    return None if value is None else (int(value) if value == int(value) else float(value))


def _section_title(table: str) -> str:
    return {"t2": "二、主动公开政府信息情况", "t3": "三、收到和处理政府信息公开申请情况",
            "t4": "四、政府信息公开行政复议、行政诉讼情况"}[table]


def describe(value: FigureValue, citations: Citations, column_label: str = "") -> str:
    """One figure of one agency-year as a sentence."""
    subject = f"{value.agency}{value.year}年{value.label}{_of(column_label)}"
    marks = citations.figure(value)
    if value.value is None and value.unreadable:
        # The reason only: the candidate readings are not figures and must not be shown as such.
        why = re.sub(r"（.*?）", "", re.split(r"\s*/\s*(?=[A-Za-z])", value.unreadable[0].uncertain)[0])
        return f"{subject}无法从报告原文可靠读出（{why}），为避免给出错误数字，这里不作回答{marks}。"
    if value.value is None:
        return f"{subject}在报告中未填报（空白不等于0）{marks}。"
    text = f"{subject}为{number(value.value)}{value.unit}{marks}"
    parts = [cell for cell in value.cells if cell.value]
    if len(value.cells) > 1 and parts:
        details = "、".join(f"{short_label(c.row)}{number(c.value)}" for c in parts)
        text += f"，其中{details}"
    if value.unreadable and value.cells:
        text += f"；另有{len(value.unreadable)}项无法从原文可靠读出，未计入"
    elif value.blank and value.cells:
        text += f"；另有{len(value.blank)}项未填报，未计入"
    return text + "。"


def short_label(row: str) -> str:
    """A row's label without its group and ordinal: "（三）不予公开 1.属于国家秘密" -> "属于国家秘密"."""
    return re.sub(r"^[（(][一二三四五六七][）)]|^\d+\.", "", ROW_LABELS.get(row, row).split(" ")[-1])


def _of(column_label: str) -> str:
    return f"（{column_label}）" if column_label else ""


def warnings(values: list[FigureValue]) -> str:
    notes = list(dict.fromkeys(note for value in values for note in value.reading_notes))
    read = "\n说明：" + "；".join(notes) + "。" if notes else ""
    rules = sorted({rule for value in values for rule in value.warnings})
    if not rules:
        return read
    return read + ("\n⚠ 注意：该报告的表格未通过勾稽检查：" + failed_checks(rules) +
            "。以上数字按报告原文照录，请谨慎使用（各项数字见勾稽核对）。")


# What each failing rule means, in words: the answer states no number it does not cite, so the
# check's arithmetic stays in the staff 勾稽核对 view.
_CHECK_WORDS = {
    "t3.balance": "表三“本年新收＋上年结转”与“办理结果总计＋结转下年度”不相等",
    "t3.results_sum": "表三各项办理结果之和与“办理结果总计”不符",
    "t3.row_sum": "表三有的行各列之和与该行“总计”不符",
    "t4.row_sum": "表四有的行各项之和与该行“总计”不符",
}
_ORDINAL = re.compile(r"[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[.．]")


def failed_checks(rules: list[str]) -> str:
    """"t3.results_sum[natural_person]: 6 + … ≠ 总计 20" as 表三各项办理结果之和与“办理结果总计”不符（自然人）."""
    places: dict[str, list[str]] = {}
    for rule in rules:
        name, _, rest = rule.partition("[")
        where = rest.partition("]")[0]
        label = COL_LABELS.get(where) or ROW_LABELS.get(where) or where
        places.setdefault(name, []).append(_ORDINAL.sub("", label.split(" ")[-1]))
    return "；".join(f"{_CHECK_WORDS.get(name, name)}（{'、'.join(dict.fromkeys(where))}）"
                    for name, where in places.items())


def compare(
    first: FigureValue, second: FigureValue, citations: Citations, column_label: str = ""
) -> tuple[str, list[str]]:
    text = describe(first, citations, column_label) + describe(second, citations, column_label)
    computed: list[str] = []
    if first.value is not None and second.value is not None:
        change = second.value - first.value
        computed.append(number(abs(change)))
        if change == 0:
            text += f"{second.year}年与{first.year}年持平。"
        else:
            direction = "增加" if change > 0 else "减少"
            text += f"{second.year}年比{first.year}年{direction}{number(abs(change))}{second.unit}"
            rate = percent(abs(change), first.value) if first.value else None
            if rate is not None:
                computed.append(f"{rate}")
                text += f"（{direction}{rate}%）"
            text += "。"
    return text, computed


def trend(values: list[FigureValue], citations: Citations, column_label: str = "") -> str:
    first = values[0]
    series = "，".join(f"{v.year}年{shown(v)}{v.unit if v.value is not None else ''}{citations.figure(v)}"
                      for v in values)
    return f"{first.agency}历年{first.label}{_of(column_label)}：{series}。"


def ranking(values: list[FigureValue], citations: Citations, year: int, column_label: str = "") -> str:
    if not values:
        return ""
    label = values[0].label
    lines = [f"{year}年各单位{label}{_of(column_label)}从多到少："]
    for position, value in enumerate(values, start=1):
        lines.append(f"{position}. {value.agency}：{number(value.value)}{value.unit}{citations.figure(value)}")
    return "\n".join(lines)


def total(values: list[FigureValue], citations: Citations, year: int, column_label: str = "") -> tuple[str, list[str]]:
    printed = [v for v in values if v.value is not None]
    summed = sum((v.value for v in printed), start=0)
    parts = "，".join(f"{v.agency}{shown(v)}{v.unit}{citations.figure(v)}" for v in printed)
    unit = printed[0].unit if printed else ""
    label = printed[0].label if printed else ""
    text = f"{year}年{len(printed)}个单位{label}{_of(column_label)}合计{number(summed)}{unit}：{parts}。"
    missing = [v.agency for v in values if v.value is None]
    if missing:
        text += f"（{'、'.join(missing)}未填报，未计入）"
    return text, [number(summed)]


def years_total(values: list[FigureValue], citations: Citations, column_label: str = "") -> tuple[str, list[str]]:
    printed = [v for v in values if v.value is not None]
    summed = sum((v.value for v in printed), start=0)
    first = values[0]
    series = "，".join(f"{v.year}年{shown(v)}{citations.figure(v)}" for v in values)
    span = f"{values[0].year}—{values[-1].year}年" if values[-1].year != values[0].year else f"{values[0].year}年"
    text = f"{first.agency}{span}{first.label}{_of(column_label)}合计{number(summed)}{first.unit}（{series}）。"
    missing = [str(v.year) for v in values if v.value is None]
    if missing:
        text += f"其中{'、'.join(missing)}年未填报，未计入。"
    return text, [number(summed)]


def years_ranked(values: list[FigureValue], citations: Citations, column_label: str = "") -> str:
    printed = sorted((v for v in values if v.value is not None), key=lambda v: (-v.value, v.year))
    if not printed:
        return f"{values[0].agency}各年度{values[0].label}均未填报。"
    top = printed[0]
    series = "，".join(f"{v.year}年{shown(v)}{citations.figure(v)}" for v in sorted(values, key=lambda v: v.year))
    return (f"{top.agency}{top.label}{_of(column_label)}最多的是{top.year}年，为{number(top.value)}{top.unit}。"
            f"各年度：{series}。")


_COUNTED = re.compile(r"\d+(?:\.\d+)?\s*(?:万|余|多)?\s*[件个次条篇场份人项家元%起名期万]")


def best_sentences(hits: list[Hit], question_tokens: set[str], tokenize, limit: int = 3,
                   wants_number: bool = False, yes_no: bool = False) -> list[tuple[Hit, str]]:
    """From each of the best chunks, the sentence that best answers: when the question asks how
    many, the sentence whose number is labelled with the question's words ("网络申请39件" for
    网上申请), then any that counts something; when it asks whether, a sentence that says so
    (未收取…, 全部免费, or a count) before one that only mentions the topic; then the most shared words."""
    asked = _asked_words(question_tokens)

    def rank(hit: Hit, sentence: str) -> tuple:
        shared = len(question_tokens & set(tokenize(sentence)))
        labelled = labelled_count(sentence, asked) if wants_number else 0
        # A table rendered as text ("某机关2022年表三 …") counts everything; it is not a sentence that counts.
        counts = wants_number and shared >= 2 and bool(_COUNTED.search(sentence)) \
            and not sentence.startswith(hit.chunk.agency)
        states = yes_no and shared >= 1 and bool(_POLARITY.search(sentence) or _COUNTED.search(sentence)) \
            and not sentence.startswith(hit.chunk.agency)
        return labelled, states, counts, shared, -abs(len(sentence) - 60)

    def best_of(hit: Hit) -> tuple[tuple, str] | None:
        """The hit's best sentence and its rank, each sentence ranked once."""
        sentences = [s.strip() for s in SENTENCE.findall(hit.chunk.text) if len(s.strip()) >= 8]
        return max(((rank(hit, s), s) for s in sentences), key=lambda ranked: ranked[0], default=None)

    best: dict[int, tuple[tuple, str] | None] = {}  # by id(hit), filled as hits are looked at
    if wants_number or yes_no:  # chunks whose best sentence answers come first, else retrieval order
        best = {id(hit): best_of(hit) for hit in hits}
        hits = sorted(hits, key=lambda hit: tuple(-int(x) for x in (best[id(hit)] or ((0, False, False),))[0][:3]))
    chosen: list[tuple[Hit, str]] = []
    states: list[bool] = []
    seen_reports: dict[str, int] = {}
    for hit in hits:
        if seen_reports.get(hit.chunk.report_id, 0) >= 2:
            continue
        if id(hit) not in best:
            best[id(hit)] = best_of(hit)
        if best[id(hit)] is None:
            continue
        ranked, sentence = best[id(hit)]
        if len(sentence) > 160:
            sentence = _window(sentence, question_tokens, tokenize, wants_number)
        if any(sentence.strip("…") in earlier or earlier.strip("…") in sentence for _, earlier in chosen):
            continue  # overlapping chunks hold the same sentence, or one of them its start
        chosen.append((hit, sentence))
        states.append(ranked[1])
        seen_reports[hit.chunk.report_id] = seen_reports.get(hit.chunk.report_id, 0) + 1
        if len(chosen) == limit:
            break
    if yes_no and any(states):
        # Once a sentence says yes or no, others that only mention the topic are noise.
        chosen = [pair for pair, said in zip(chosen, states, strict=True) if said]
    return chosen


# A sentence answering "whether" says no (未收取, 无…情况, 全部免费) or states a count.
_POLARITY = re.compile(r"未|没有|(?<![并从])无(?!论|法|关)|免费|暂不|不收")
# A number's label: the words just before it, back to the previous punctuation, space or number.
_LABEL = re.compile(r"[^\s\d，,。；;：:、（）()“”\"]{1,10}$")
_FUNCTION_CHARS = frozenset("的了有是多少几个件年度吗呢")


def _asked_words(question_tokens: set[str]) -> list[frozenset[str]]:
    return [frozenset(token) - _FUNCTION_CHARS for token in question_tokens
            if re.fullmatch(r"[\u4e00-\u9fff]+", token) and set(token) - _FUNCTION_CHARS]


def labelled_count(sentence: str, asked: list[frozenset[str]]) -> int:
    """How well a number the sentence states is labelled by the question's words: the words of the
    question that share a character with the five characters before the number ("网络申请39件"
    for 网上+申请, "信函申请4件" for 写信+申请), then the characters shared. 0 unless two words
    are touched: one word alone ("申请") labels half the numbers of a report."""
    best = 0
    for match in _COUNTED.finditer(sentence):
        label = _LABEL.search(sentence[: match.start()].rstrip("数为共达计约近超逾"))
        if not label:
            continue
        near = set(label.group()[-5:])
        touched = [word for word in asked if word & near]
        if len(touched) >= 2:
            best = max(best, 100 * len(touched) + len(set(label.group()).intersection(*[set().union(*asked)])))
    return best


def _window(sentence: str, question_tokens: set[str], tokenize, wants_number: bool) -> str:
    """160 characters of a long sentence, from the clause that best answers: the first clause that
    counts something and shares a word with the question (when a number is asked), else the start."""
    start = 0
    if wants_number:
        position = 0
        for clause in re.split(r"(?<=[，,、：])", sentence):
            if _COUNTED.search(clause) and question_tokens & set(tokenize(clause)):
                start = position
                break
            position += len(clause)
    end = start + 160
    return ("…" if start else "") + sentence[start:end] + ("…" if end < len(sentence) else "")


def passages(chosen: list[tuple[Hit, str]], citations: Citations) -> str:
    lines = []
    for hit, sentence in chosen:
        chunk = hit.chunk
        where = f"{chunk.agency}{chunk.year}年报告「{chunk.section_title or '正文'}」"
        lines.append(f"· {where}：“{sentence}”{citations.passage(hit, sentence)}")
    return "\n".join(lines)


def out_of_scope(reason: str = "") -> str:
    return (f"{reason or '抱歉，这个问题超出了政府信息公开工作年度报告的范围，我无法回答。'}\n"
            f"我可以回答各单位年度报告中的内容和数字，例如：{'、'.join(EXAMPLES)}")
