"""Section-aware chunks of a Report, sized in tokens, split at sentence ends, never mid-number.

Tables are not chunked as printed (a flattened table is a wall of digits); each table becomes
sentences instead ("表三 …：本年新收政府信息公开申请数量 自然人3件、…总计3件。") so that a search
for a figure finds its table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest import template
from ingest.checks import COL_LABELS, T4_LABELS
from ingest.model import Figure, Report
from ingest.template import T2_COL_LABELS
from vectorstore.model import Chunk
from vectorstore.tokens import TokenCounter

_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|\n+")
_SOFT_BREAK = re.compile(r"(?<=[，、,：:])")
TABLE_TITLES = {
    "t2": "表二 主动公开政府信息情况",
    "t3": "表三 收到和处理政府信息公开申请情况",
    "t4": "表四 政府信息公开行政复议、行政诉讼情况",
}
TABLE_SECTIONS = {"t2": 2, "t3": 3, "t4": 4}
PREAMBLE_TITLE = "标题和前言"


@dataclass(frozen=True)
class _Sentence:
    text: str
    start: int
    end: int


class Chunker:
    def __init__(self, counter: TokenCounter, chunk_tokens: int = 320, overlap_tokens: int = 48) -> None:
        self.counter = counter
        self.chunk_tokens = chunk_tokens
        self.overlap_tokens = overlap_tokens

    def chunks(self, report: Report, report_id: str) -> list[Chunk]:
        pieces: list[tuple[int, str, int, int, str]] = []  # section, title, start, end, kind
        tabular = [piece for span in _merged(report.table_spans.values())
                   for piece in _without(*span, _prose_runs(report.text, *span))]
        for section, title, start, end in self._section_spans(report):
            for piece_start, piece_end in _without(start, end, tabular):
                pieces.append((section, title, piece_start, piece_end, "text"))
        chunks: list[Chunk] = []
        for section, title, start, end, _ in pieces:
            for text, chunk_start, chunk_end in self._pack(_sentences(report.text, start, end)):
                chunks.append(self._chunk(report, report_id, len(chunks), text, section, title, chunk_start, chunk_end))
        titles = {s.n: s.title for s in report.sections}
        for table, (start, end) in report.table_spans.items():
            section = TABLE_SECTIONS[table]
            sentences = [_Sentence(line, start, end) for line in table_sentences(report, table)]
            for text, _, _ in self._pack(sentences, overlap=False):
                chunk = self._chunk(report, report_id, len(chunks), text, section, titles.get(section, ""), start, end)
                chunks.append(Chunk(**{**chunk.__dict__, "kind": "table"}))
        return chunks

    def _section_spans(self, report: Report):
        sections = sorted(report.sections, key=lambda s: s.start)
        first = sections[0].start if sections else len(report.text)
        if report.text[:first].strip():
            yield 0, PREAMBLE_TITLE, 0, first
        for position, section in enumerate(sections):
            end = sections[position + 1].start if position + 1 < len(sections) else len(report.text)
            yield section.n, section.title, section.start, end

    def _pack(self, sentences: list[_Sentence], overlap: bool = True):
        """Greedy packing of whole sentences up to the token budget, with a sentence overlap.

        Sizes are measured on the joined text: BPE token counts are not additive across joins."""
        current: list[_Sentence] = []
        for sentence in self._fit(sentences):
            if current and self.counter.count(_joined(current)[0] + sentence.text) > self.chunk_tokens:
                yield _joined(current)
                current = self._overlap(current) if overlap else []
                if current and self.counter.count(_joined(current)[0] + sentence.text) > self.chunk_tokens:
                    current = []
            current.append(sentence)
        if current:
            yield _joined(current)

    def _overlap(self, sentences: list[_Sentence]) -> list[_Sentence]:
        kept: list[_Sentence] = []
        size = 0
        for sentence in reversed(sentences):
            size += self.counter.count(sentence.text)
            if size > self.overlap_tokens:
                break
            kept.insert(0, sentence)
        return kept

    def _fit(self, sentences: list[_Sentence]):
        """Sentences longer than a chunk are cut at commas, then between characters that are not digits."""
        for sentence in sentences:
            if self.counter.count(sentence.text) <= self.chunk_tokens:
                yield sentence
                continue
            yield from self._cut(sentence)

    def _cut(self, sentence: _Sentence):
        parts = [part for part in _SOFT_BREAK.split(sentence.text) if part]
        offset = sentence.start
        buffer, buffer_start = "", offset
        for part in parts:
            while self.counter.count(part) > self.chunk_tokens:
                cut = _safe_cut(part, len(part) // 2)
                if buffer:
                    yield _Sentence(buffer, buffer_start, offset)
                    buffer = ""
                yield _Sentence(part[:cut], offset, offset + cut)
                offset += cut
                part = part[cut:]
            if buffer and self.counter.count(buffer + part) > self.chunk_tokens:
                yield _Sentence(buffer, buffer_start, offset)
                buffer = ""
            if not buffer:
                buffer_start = offset
            buffer += part
            offset += len(part)
        if buffer:
            yield _Sentence(buffer, buffer_start, offset)

    def _chunk(self, report, report_id, number, text, section, title, start, end) -> Chunk:
        return Chunk(
            id=f"{report_id}:{number:04d}",
            report_id=report_id,
            text=text,
            agency=report.agency or "",
            region=report.region or "",
            year=report.year or 0,
            format=report.format,
            section=section,
            section_title=title,
            page=report.page_at(start),
            source=report.source,
            start=start,
            end=end,
        )


def _prose_runs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The paragraphs of narrative inside a table's region. A region is where a table may be printed
    (from its section heading to the next), so a report that numbers its own narrative like the
    template, or prints its tables early, has prose there too; it is indexed as text. A paragraph
    is a run of lines of prose (see `_wordy`; a text run together on one line is taken sentence by
    sentence) that says something: a sentence ends in 。 or two clauses are separated by ，."""
    runs, run = [], []
    for unit in [*_units(text, start, end), None]:
        if unit is not None and _wordy(unit.text):
            run.append(unit)
            continue
        if sum("，" in s.text for s in run) >= 2 or any("。" in s.text for s in run):
            runs.append((run[0].start, run[-1].end))
        run = []
    return runs


_LINE = 200
"""Longer than any printed line: a text whose line breaks were lost."""


def _units(text: str, start: int, end: int) -> list[_Sentence]:
    units = []
    for line in re.finditer(r"[^\n]+", text[start:end]):
        line_start, line_end = start + line.start(), start + line.end()
        if line_end - line_start > _LINE:
            units += _sentences(text, line_start, line_end)
        elif line.group().strip():
            units.append(_Sentence(line.group().strip(), line_start, line_end))
    return units


def _merged(spans) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _wordy(sentence: str) -> bool:
    """A line of prose: words, few digits, no table rules, and punctuation or a full line's length
    (a table's header lines are short runs of labels: 行政复议行政诉讼, 结果维持结果纠正). The end of
    a sentence wrapped onto a line of its own ("施。") is prose too."""
    words = len(re.findall(r"[\u4e00-\u9fff]", sentence))
    if "|" in sentence or len(re.findall(r"\d", sentence)) > 0.8 * words:
        return False
    if sentence.endswith(("。", "；", "！", "？")):
        return words >= 1
    return words >= 4 and (words >= 20 or bool(re.search(r"[，。、；：“”！？（]", sentence)))


def _without(start: int, end: int, spans) -> list[tuple[int, int]]:
    pieces = [(start, end)]
    for span_start, span_end in spans:
        next_pieces = []
        for piece_start, piece_end in pieces:
            if span_end <= piece_start or span_start >= piece_end:
                next_pieces.append((piece_start, piece_end))
                continue
            if span_start > piece_start:
                next_pieces.append((piece_start, span_start))
            if span_end < piece_end:
                next_pieces.append((span_end, piece_end))
        pieces = next_pieces
    return pieces


def _sentences(text: str, start: int, end: int) -> list[_Sentence]:
    found = []
    position = start
    for match in _SENTENCE_END.finditer(text, start, end):
        if match.end() > position:
            _append(found, text, position, match.end() if match.group(0) == "" else match.start())
        position = match.end()
    _append(found, text, position, end)
    return found


def _append(found: list[_Sentence], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped and re.search(r"[\u4e00-\u9fff0-9A-Za-z]", stripped):
        lead = len(piece) - len(piece.lstrip())
        found.append(_Sentence(stripped, start + lead, start + lead + len(stripped)))


_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)])[^。！？；]{0,38}$")


def _joined(sentences: list[_Sentence]) -> tuple[str, int, int]:
    """Sentences run on as printed, except that a heading keeps its own line ("六、其他需要报告的事项")."""
    text = "".join(s.text + ("\n" if _HEADING.match(s.text) else "") for s in sentences).rstrip("\n")
    return text, sentences[0].start, sentences[-1].end


def _safe_cut(text: str, near: int) -> int:
    """A cut position near `near` that does not fall between two digits."""
    for distance in range(len(text)):
        for cut in (near - distance, near + distance):
            if 0 < cut < len(text) and not (text[cut - 1].isdigit() and text[cut].isdigit()):
                return cut
    return near


def table_sentences(report: Report, table: str) -> list[str]:
    """One sentence per printed row, in the report's own words and numbers."""
    cells: dict[tuple[str, str], Figure] = {(f.row, f.col): f for f in report.figures if f.table == table}
    title = f"{report.agency or ''}{report.year or ''}年{TABLE_TITLES[table]}"
    lines = []
    if table == "t2":
        specs = template.T2_2021 if report.format == "2021" else template.T2_2019
        for spec in specs:
            values = "、".join(f"{T2_COL_LABELS[col]}{_shown(cells.get((spec.key, col)))}" for col in spec.cols)
            lines.append(f"{title}：{spec.label} {values}。")
    elif table == "t3":
        rows = template.T3_2021 if any(row == "other_overdue_fee" for row, _ in cells) else template.T3_2019
        for spec in rows:
            if (spec.key, "total") not in cells:
                continue
            values = "、".join(f"{COL_LABELS[col]}{_shown(cells.get((spec.key, col)), '件')}" for col in spec.cols)
            lines.append(f"{title}：{spec.label} {values}。")
    else:
        for row in template.T4_ROWS:
            values = "、".join(f"{COL_LABELS[col]}{_shown(cells.get((row, col)), '件')}" for col in template.T4_COLS)
            lines.append(f"{title}：{T4_LABELS[row]} {values}。")
    return lines




def _shown(figure: Figure | None, unit: str = "") -> str:
    if figure is None or figure.value is None:
        return "未填报"
    return f"{figure.value}{figure.unit or unit}"
