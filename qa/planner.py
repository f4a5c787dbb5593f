"""The rule planner: a question (its years already in Arabic digits) becomes a typed Plan.

Parts: the question's own clauses; a clause that names no figure ("多几件？") belongs to the part
before it (or the first part). Terms: the figure mentions of a part, split where the question
joins them (和/与/及/加上/以及/、), each resolved by the vocabulary (a sub-row beats its group).
Agencies: those the directory finds, per joined mention when the question compares them. Years:
qa.timeexpr, relative to the reports the agency has."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.template import T2_2019
from qa.cells import FigureCatalogue
from qa.plan import Operation, Plan, Step, Term
from qa.timeexpr import read_time
from qa.understanding import AgencyDirectory, KnownAgency
from qa.vocabulary import FigureTerm, Vocabulary

_PIECES = re.compile(r"[？?。；;！!，,\n]")
# "及" and "同" join, except inside a word (危及, 涉及, 及时; 同意, 同比, 同期).
_JOINS = re.compile(r"以及|加上|和|与|(?<![危涉])及(?!时)|、|跟|同(?![意比期时样])|加(?!起来)")
_AGENCY_JOINS = re.compile(r"以及|和|与|及|、|跟|同|相比|对比|比较|比")
_SHARE = ("占比", "比例", "百分之", "比重", "占")
_DIFF = re.compile(r"多几|少几|差多少|差几|相差|多多少|少多少|变化|增加或减少|增加还是减少|多了还是少了|多还是少|差距"
                   r"|增加了多少|减少了多少")
_COMPARE = ("相比", "比较", "对比", "哪个", "哪家", "谁")
_RANK = ("最多", "最少", "最高", "最低", "排名", "排行")
_YEAR_COMPARE = re.compile(r"比\s*\d{4}\s*年?|(?:和|与|跟|同)\s*\d{4}\s*年?\s*(?:相)?比")
_QUANTITY = re.compile(r"多少|几|数量|数字|比例|占比|百分|合计|一共|总共|加起来|总数|最多|最少|最高|最低|排名|趋势|变化"
                       r"|分别|各是|相差|差距|多还是少|增加|减少|对得上|一致|(?:哪个|哪家|谁).*(?:多|少|高|低)")
_SUM_EXTRA = ("总数", "总和", "之和", "总共")
# Terms joined by "加(上)" or said to be "相加/合起来" are added, with or without a word for the total.
_ADDED = re.compile(r"(?<![增追参更施附])加(?:上|在一起)?(?![强快大深以工入班])|相加|合起来|合在一起")
_WHICH_YEAR = ("哪一年", "哪年", "哪个年度")
_LIST = ("各是", "分别", "各为", "各多少", "每年", "逐年", "各年", "各有", "各自", "各收到", "各作出", "各办结")
_WHOLE_OF_RESULTS = "total_processed"
_T3_RESULTS = {"granted", "partial", "denied", "unable", "not_processed", "other_processing"}


@dataclass(frozen=True)
class Part:
    text: str
    terms: tuple[FigureTerm, ...]
    whole: FigureTerm | None = None


class RulePlanner:
    def __init__(self, vocabulary: Vocabulary, years_of, catalogue: FigureCatalogue | None = None) -> None:
        self.vocabulary = vocabulary
        self.years_of = years_of
        self.catalogue = catalogue

    def plan(self, text: str, directory: AgencyDirectory, default_agency: str | None = None) -> Plan | None:
        """A plan when the question asks for figures of agencies it (or the page) names; None when
        it does not, or when it names several agencies without comparing them (asked back elsewhere)."""
        if not _QUANTITY.search(text):
            return None  # no figure is asked for: a question about the text
        names = self.agencies(text, directory, default_agency)
        if not names:
            return None
        stripped = _without_agencies(text, names, directory)
        parts = self._parts(stripped)
        if not parts:
            return None
        available = sorted({year for name in names for year in self.years_of(name)})
        time = read_time(text, available)
        notes = (time.how,) if time.how else ()
        steps = []
        for part in parts:
            own = read_time(part.text, available)  # "2023年上年结转多少？2022年结转下年度多少？"
            step = self._step(part, names, own if own.years and len(parts) > 1 else time, available, text)
            if step is None:
                return None
            steps.append(step)
        if not time.years and available:
            notes += (f"未指明年度，按已收录的最新一份、{max(available)}年度的报告",)
        return Plan(tuple(steps), notes)

    # Agencies ----------------------------------------------------------------------------------

    def agencies(self, text: str, directory: AgencyDirectory, default: str | None = None) -> list[str]:
        """The agencies the question means: one, or several it compares; [] when unsure."""
        years = read_time(text, []).years
        found, _ = directory.find(text)
        pieces: list[str] = []
        for piece in _AGENCY_JOINS.split(text):
            hits, _ = directory.find(piece)
            chosen = self._likeliest(hits, years)
            if chosen is not None and chosen.name not in pieces:
                pieces.append(chosen.name)
        over_years = any(word in text for word in _WHICH_YEAR)
        compares = not over_years and (any(word in text for word in _COMPARE) or bool(_DIFF.search(text))
                                       or self.vocabulary.cue("sum", text) or any(word in text for word in _RANK)
                                       or any(word in text for word in _LIST))
        if len(pieces) >= 2 and compares:
            return pieces
        if not found:
            return [default] if default else []
        chosen = self._likeliest(found, years)
        if chosen is not None:
            return [chosen.name]
        fitting = self._fitting(found, years)
        if len(fitting) >= 2 and compares:
            return [a.name for a in _in_text_order(fitting, text)]
        return []

    def _fitting(self, agencies: list[KnownAgency], years: tuple[int, ...]) -> list[KnownAgency]:
        return [a for a in agencies if not years or set(years) <= set(self.years_of(a.name))] or agencies

    def _likeliest(self, agencies: list[KnownAgency], years: tuple[int, ...]) -> KnownAgency | None:
        """The one agency that fits: the only one, the only one with reports for the years asked, or
        (no year asked) the one whose reports cover every other's years. None: equally likely."""
        fitting = self._fitting(agencies, years)
        if len(fitting) == 1:
            return fitting[0]
        if not years and fitting:
            covers = [a for a in fitting
                      if all(set(self.years_of(o.name)) < set(self.years_of(a.name)) for o in fitting if o != a)]
            if len(covers) == 1:
                return covers[0]
        return None

    # Parts and terms ---------------------------------------------------------------------------

    def _parts(self, text: str) -> list[Part]:
        pieces = [p for p in _PIECES.split(text) if p.strip()]
        if any(self.vocabulary.cue("narrative", p) and not _QUANTITY.search(p) for p in pieces):
            return []  # part of it asks for text: answered as a mixed question elsewhere
        groups: list[list[str]] = []
        pending: list[str] = []
        for piece in pieces:
            # "……有几件，占办理总数多少？": a clause naming only the whole completes the share before it
            whole_only = groups and "占" in piece and not self._terms(piece.partition("占")[0])
            if self._terms(piece) and not whole_only:
                groups.append([*pending, piece])
                pending = []
            elif groups:
                groups[-1].append(piece)
            else:
                pending.append(piece)
        parts = []
        for group in groups:
            joined = "，".join(group)
            parts.append(self._part(joined))
        return [p for p in parts if p.terms]

    def _part(self, text: str) -> Part:
        if "占" in text and any(cue in text for cue in _SHARE):
            before, _, after = text.partition("占")
            part_terms = self._terms(before) or self._terms(text)
            whole = self._terms(after)
            return Part(text, part_terms[:1], whole[0] if whole else None)
        return Part(text, self._terms(text))

    def _terms(self, text: str) -> tuple[FigureTerm, ...]:
        found: list[tuple[str, FigureTerm]] = []
        for mention in _JOINS.split(text):
            term = self.vocabulary.figure(mention) if mention.strip() else None
            if term is not None and term.name not in {t.name for _, t in found}:
                found.append((mention, term))
        if not found and (term := self.vocabulary.figure(text)) is not None:
            found.append((text, term))
        if not found and self.catalogue is not None and (name := self.catalogue.resolve(text)):
            found.append((text, next(t for t in self.vocabulary.figures if t.name == name)))
        if any(not term.generic for _, term in found):
            # "申请了多少" split off a label by its own "、" names no figure of its own
            found = [(mention, term) for mention, term in found if not term.generic]
        # One group named: its reason may have been split off by a join ("危及国家安全、社会稳定").
        terms = [self._refined(text if len(found) == 1 else mention, term) for mention, term in found]
        if not terms and "申请" in text and self.vocabulary.column(text, "t3") is not None:
            # "个人申请占比", "企业提的申请": a column of the requests received
            terms += [t for t in self.vocabulary.figures if t.name == "new_received"][:1]
        return tuple(terms)

    def _refined(self, mention: str, term: FigureTerm) -> FigureTerm:
        """A group mention that names a reason is the sub-row of that reason."""
        if self.catalogue is None:
            return term
        name = self.catalogue.refine(mention, term)
        return next((t for t in self.vocabulary.figures if t.name == name), term) if name else term

    # Operations --------------------------------------------------------------------------------

    def _step(self, part: Part, names: list[str], time, available: list[int], text: str) -> Step | None:
        clause = part.text
        column = self.vocabulary.column(clause, part.terms[0].cells[0].table)
        terms = tuple(_term(t, column) for t in part.terms)
        years = tuple(time.years) or ((max(available),) if available else ())
        many_agencies = len(names) >= 2
        # Added only when the question says so: "总数" beside "分别/各" is each one's count, listed.
        sums = self.vocabulary.cue("sum", clause) or self.vocabulary.cue("sum", text) or bool(_ADDED.search(clause)) \
            or (any(word in clause for word in _SUM_EXTRA) and not any(cue in clause for cue in _SHARE)
                and not any(word in clause for word in _LIST))
        operation: Operation = "lookup"
        across = ""
        whole = None
        if any(cue in clause for cue in _SHARE):
            operation = "share"
            whole = _term(part.whole, None) if part.whole else self._default_whole(part.terms[0], column)
            if whole is None:
                return None
        elif many_agencies:
            if any(word in clause + text for word in _RANK) and not _DIFF.search(text):
                operation, across = "rank", "agencies"
            elif sums and not _DIFF.search(text) and not any(word in text for word in _COMPARE):
                operation, across = "sum", "agencies"
            elif any(word in clause for word in _LIST) and not _DIFF.search(text) \
                    and not any(word in text for word in _COMPARE):
                operation, across = "list", "agencies"  # "教育厅和科技厅……分别多少"
            else:
                operation, across = "diff", "agencies"
            years = years[-1:]
        elif any(word in clause for word in _RANK) or any(w in text for w in _WHICH_YEAR):
            operation, across = "rank", "years"
        elif len(years) == 1 and _DIFF.search(clause) and _counts_items(part.terms[0], clause) and not column:
            # "行政许可事项减少了多少项": of one year, the change the 2019 form prints as 本年增/减
            terms = (Term(part.terms[0].name, part.terms[0].label, ("change",), "本年增/减"),)
        elif (_DIFF.search(text) or time.previous_year or _YEAR_COMPARE.search(text)
              or self.vocabulary.cue("compare", text)) and (time.previous_year or len(years) == 2):
            if len(years) == 1:
                years = (years[0] - 1, years[0])
            if _counts_items(part.terms[0], clause):
                # 2019 table 二: "本年增/减" is the change from the year before, printed as a column.
                terms, years = (Term(part.terms[0].name, part.terms[0].label, ("change",), "本年增/减"),), years[-1:]
            else:
                operation, across = "diff", "years"
                years = (years[0], years[-1])
        elif len(terms) >= 2:
            operation = "sum" if sums else "list"
            across = "terms"
        elif len(years) >= 2:
            operation = "sum" if sums else "trend"
            across = "years"
        return Step(operation, terms, tuple(names), years, whole, across, clause)

    def _default_whole(self, term: FigureTerm, column) -> Term | None:
        if column is not None:
            return _term(term, None)
        if term.name in _T3_RESULTS or term.cells[0].row.startswith(("denied", "unable", "not_processed", "other")):
            whole = next((t for t in self.vocabulary.figures if t.name == _WHOLE_OF_RESULTS), None)
            return _term(whole, None) if whole else None
        return None


def _counts_items(term: FigureTerm, clause: str) -> bool:
    """A table-二 row of the 2019 form (its 本年增/减 column) asked about in items (项), not decisions."""
    rows = {spec.key for spec in T2_2019 if "change" in spec.cols}
    return term.cells[0].table == "t2" and term.cells[0].row in rows and "项" in clause and "决定" not in clause


def _term(term: FigureTerm, column) -> Term:
    if column is None:
        return Term(term.name, term.label)
    return Term(term.name, term.label, tuple(column.cols), column.label)


def _in_text_order(agencies: list[KnownAgency], text: str) -> list[KnownAgency]:
    def position(agency: KnownAgency) -> int:
        spots = [text.find(key) for key in (agency.name, *agency.bodies, *agency.places) if key in text]
        return min(spots) if spots else len(text)
    return sorted(agencies, key=position)


def _without_agencies(text: str, names: list[str], directory: AgencyDirectory) -> str:
    """The question without the agencies' names, so that words inside them ("人力资源和社会保障")
    are neither figure mentions nor joins."""
    keys: set[str] = set()
    for agency in directory.known:
        if agency.name in names:
            keys |= {agency.name, *agency.bodies, *agency.places}
    for key in sorted(keys, key=len, reverse=True):
        if len(key) >= 2:
            text = text.replace(key, " ")
    return text
