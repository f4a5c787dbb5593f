"""Who and when a question is about, which figure it names, and how it should be answered."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal

from ingest.gazetteer import Gazetteer
from ingest.metadata import ABBREVIATIONS
from qa.timeexpr import read_time
from qa.vocabulary import ColumnTerm, FigureTerm, Vocabulary

Intent = Literal["lookup", "sum", "rank", "compare", "trend", "share"]
_GOVERNMENT_BODIES = ("人民政府", "管委会", "管理委员会")
_GENERIC_BODIES = {"政府", "人民政府", "管委会", "管理委员会"}
_GENERIC_ENDINGS = (
    "人民政府办公厅", "人民政府办公室", "人民政府", "管理委员会", "管委会", "委员会",
    "办公厅", "办公室", "厅", "局", "委", "办",
)
_ASKS_NUMBER = re.compile(r"多少|几|数量|比例|占比|百分|合计|一共|总共|总数|最多|最少|排名|变化|增加|减少|趋势")
_PLANS = ("打算", "计划", "下一步", "将要", "准备", "明年")
_FOLLOW_UP = re.compile(r"^(?:那|那么|其中|还有|另外|它|这个|该)|呢[？?]?$")
_YEAR = re.compile(r"(20\d\d|19\d\d)\s*年?")
_YEAR_RANGE = re.compile(r"(20\d\d)\s*(?:年)?\s*(?:到|至|-|—|~|～)\s*(20\d\d)")
_RECENT = re.compile(r"(?:近|这)([一二两三四五六七八九十\d]+)年")
_CHINESE_NUMBERS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


@dataclass(frozen=True)
class KnownAgency:
    name: str
    region: str
    places: tuple[str, ...]
    bodies: tuple[str, ...]
    own_places: tuple[str, ...] = ()
    """Keys of the most specific place (洪泽区, 洪泽 for 淮安市洪泽区人民政府)."""

    @property
    def is_government(self) -> bool:
        return any(body in self.name for body in _GOVERNMENT_BODIES)


@dataclass
class Frame:
    """A question understood: every field is what the question (or its conversation) says."""

    text: str
    agencies: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)
    region: str | None = None
    years: list[int] = field(default_factory=list)
    figure: FigureTerm | None = None
    column: ColumnTerm | None = None
    intent: Intent = "lookup"
    narrative: bool = False
    in_scope: bool = True
    unknown_place: str | None = None
    narrative_text: str = ""
    conversation_years: list[int] = field(default_factory=list)
    """Every year the conversation has asked about so far."""
    column_hint: str = ""
    """A column named without a figure ("企业呢？"): meaningful with the previous question's figure."""
    """The clause of a mixed question that asks for text, not a figure."""


class AgencyDirectory:
    """The agencies that have reports, with the short names people use for them."""

    def __init__(self, agencies: list[tuple[str, str | None]], gazetteer: Gazetteer | None = None,
                 years_of=None) -> None:
        """`years_of(name)`: the years an agency has reports for; with it, a place name that fits
        several agencies prefers those whose reports cover the years the question writes."""
        self.gazetteer = gazetteer or Gazetteer()
        self.years_of = years_of
        self.known = [self._describe(name, region or "", self.gazetteer) for name, region in agencies if name]
        self._known_places = {place for agency in self.known for place in agency.places}

    @staticmethod
    def _describe(name: str, region: str, gazetteer: Gazetteer) -> KnownAgency:
        parts = gazetteer.parts(name)
        places: set[str] = set()
        for part in parts:
            places.add(part)
            core = re.sub(r"(省|自治区|市|自治州|地区|盟|县|区|旗)$", "", part)
            if len(core) >= 2:
                places.add(core)
            if len(part) >= 5:
                places.add(part[:2])
        body = name[sum(len(part) for part in parts):]
        bodies = {body} if body else set()
        core = body
        for ending in _GENERIC_ENDINGS:
            if body.endswith(ending) and len(body) > len(ending):
                core = body[: -len(ending)]
                break
        if len(core) >= 2 and body not in _GOVERNMENT_BODIES:
            bodies.add(core)
            bodies.add(_abbreviation(core) + body[len(core):][:1])
        if body in _GOVERNMENT_BODIES:
            bodies |= {"政府", "管委会"} if body != "人民政府" else {"政府"}
        bodies |= {short for short, full in ABBREVIATIONS.items() if body.endswith(full)}
        bodies |= {office for office in ("政府办公厅", "政府办公室", "办公厅", "办公室") if body.endswith(office)}
        own = {key for key in places if parts and key in parts[-1]}
        return KnownAgency(name, region, tuple(sorted(places, key=len, reverse=True)),
                           tuple(sorted((b for b in bodies if len(b) >= 2), key=len, reverse=True)),
                           tuple(sorted(own, key=len, reverse=True)))

    def names(self) -> list[str]:
        return [agency.name for agency in self.known]

    def find(self, text: str) -> tuple[list[KnownAgency], str | None]:
        """Agencies the text names, and the place it names when no agency there matched."""
        text = text.replace("政府信息公开", "")  # the subject of every report, not a name
        places = self._places_named(text)
        if places and not places & self._known_places:
            return [], max(places, key=len)
        exact = [agency for agency in self.known if agency.name in text]
        if exact:
            longest = max(len(agency.name) for agency in exact)
            return [agency for agency in exact if len(agency.name) == longest], None
        placed = [agency for agency in self.known if any(place in text for place in agency.places)]
        # "淮安市政府" is the city's government, not a district government inside the city.
        own = [agency for agency in placed if any(place in text for place in agency.own_places)]
        placed = own or placed
        if placed:
            depth = {agency.name: sum(1 for place in agency.places if place in text) for agency in placed}
            deepest = max(depth.values())
            placed = [agency for agency in placed if depth[agency.name] == deepest]
        bodied = [agency for agency in self.known
                  if any(body in text for body in agency.bodies if body not in _GENERIC_BODIES)]
        both = [agency for agency in placed if agency in bodied]
        if both:
            return both, None
        if placed:
            governments = [agency for agency in placed if agency.is_government]
            mentions_body = any(word in text for word in ("厅", "局", "委员会", "办公室"))
            chosen = placed if mentions_body or not governments else governments
            # "平潭管委会": of the governments there, the one whose own kind of body the text names.
            named = [agency for agency in chosen if any(
                body in text and not all(body in other.bodies for other in chosen) for body in agency.bodies)]
            chosen = named or chosen
            # "沭阳2023年": the county government has no 2023 report, the one agency there that has wins.
            return self._covering(chosen, text) or self._covering(placed, text) or chosen, None
        if bodied:
            return bodied, None
        return [], _unknown_place(text)


    def _covering(self, agencies: list[KnownAgency], text: str) -> list[KnownAgency]:
        """The agencies with reports for every year the text writes ([] when none has; all of them
        when the text writes no year or the directory does not know the years)."""
        years = set(read_time(text, []).years)
        if not years or self.years_of is None:
            return agencies
        return [agency for agency in agencies if years <= set(self.years_of(agency.name))]

    def _places_named(self, text: str) -> set[str]:
        """Real place names (by the gazetteer) written in the text."""
        found = set()
        for end, char in enumerate(text):
            if char in "省市县区":
                for length in range(2, 8):
                    name = text[max(0, end - length + 1) : end + 1]
                    if len(name) == length and self.gazetteer.knows(name):
                        found.add(name)
        return found


def _abbreviation(core: str) -> str:
    """科学技术 -> 科技, 人力资源和社会保障 -> 人社, 工业和信息化 -> 工信, 发展和改革 -> 发改."""
    words = core.split("和") if "和" in core else [core[i : i + 2] for i in range(0, len(core), 2)]
    return "".join(word[0] for word in words if word)


def _unknown_place(text: str) -> str | None:
    match = re.search(r"([\u4e00-\u9fff]{2,6}?(?:省|市|县|区))", text)
    return match.group(1) if match else None


class Understanding:
    def __init__(self, vocabulary: Vocabulary, directory: AgencyDirectory, years_of) -> None:
        self.vocabulary = vocabulary
        self.directory = directory
        self.years_of = years_of

    def understand(self, text: str, default_agency: str | None = None, history: list[str] | None = None) -> Frame:
        previous: Frame | None = None
        for earlier in history or []:
            turn = self._read(earlier, default_agency)
            previous = turn if previous is None else self._inherit(turn, previous)
        frame = self._read(text, default_agency)
        if previous is not None:
            frame = self._inherit(frame, previous)
        self._resolve_relative_years(frame)
        return frame

    def _read(self, text: str, default_agency: str | None) -> Frame:
        vocabulary = self.vocabulary
        frame = Frame(text=text, figure=vocabulary.figure(text), in_scope=vocabulary.in_scope(text))
        frame.narrative = vocabulary.cue("narrative", text)
        if frame.narrative and not _ASKS_NUMBER.search(text):
            frame.figure = None  # "打算怎么降低行政复议的发生率": the figure is the topic, not what is asked
        clauses = [c for c in re.split(r"[？?。；;！!]", text) if len(c.strip()) >= 4]
        if frame.figure is not None and len(clauses) > 1:
            textual = [c for c in clauses if vocabulary.figure(c) is None]
            if textual:
                frame.narrative, frame.narrative_text = True, "，".join(textual)
        found, unknown_place = self.directory.find(text)
        frame.unknown_place = unknown_place
        years = _years(text)
        frame.years = years
        many = (vocabulary.cue("rank", text) or vocabulary.cue("sum", text)) and not vocabulary.cue("rank_years", text)
        if len(found) > 1 and many:
            frame.agencies = [agency.name for agency in found]
            frame.region = _common_place(found)
        elif len(found) > 1:
            with_year = [a for a in found if not years or set(years) & set(self.years_of(a.name))]
            if len(with_year) == 1:
                frame.agencies = [with_year[0].name]
            else:
                frame.ambiguous = [agency.name for agency in (with_year or found)]
        elif found:
            frame.agencies = [found[0].name]
        elif default_agency and not unknown_place:
            frame.agencies = [default_agency]
        if frame.figure is None and "申请" in text and vocabulary.column(text, "t3") is not None:
            frame.figure = vocabulary.figure("收到申请")  # "申请里自然人占多大比例": the requests received
        if frame.figure is not None:
            table = frame.figure.cells[0].table
            frame.column = vocabulary.column(text, table)
        elif vocabulary.column(text, "t3") or vocabulary.column(text, "t4"):
            frame.column_hint = text
        frame.intent = self._intent(frame, many)
        if frame.agencies or frame.figure:
            frame.in_scope = True
        return frame

    def _intent(self, frame: Frame, many: bool) -> Intent:
        vocabulary, text = self.vocabulary, frame.text
        if frame.figure is None:
            return "lookup"
        if vocabulary.cue("share", text):
            return "share"
        if vocabulary.cue("rank", text) or vocabulary.cue("rank_years", text):
            return "rank"
        if len(frame.agencies) > 1 or (many and not frame.agencies) or (
            vocabulary.cue("sum", text) and len(frame.years) > 1
        ):
            return "sum"
        if vocabulary.cue("trend", text) or len(frame.years) > 2:
            return "trend"
        if vocabulary.cue("compare", text) or len(frame.years) == 2:
            return "compare"
        return "lookup"

    def _inherit(self, frame: Frame, earlier: Frame) -> Frame:
        bare = not frame.agencies and not frame.ambiguous and not frame.unknown_place and not frame.years
        follow_up = (bool(_FOLLOW_UP.search(frame.text.strip())) or len(frame.text.strip()) <= 8
                     or (bare and (frame.figure is None or bool(frame.column_hint))))
        changes: dict = {"conversation_years": sorted(set(earlier.conversation_years) | set(earlier.years))}
        if not frame.agencies and not frame.ambiguous and not frame.unknown_place:
            changes.update(agencies=earlier.agencies, ambiguous=earlier.ambiguous, region=earlier.region)
        if not frame.years and _mentions_no_time(frame.text):
            wants_two = frame.intent in ("compare", "trend") or self.vocabulary.cue("compare", frame.text) or (
                self.vocabulary.cue("sum", frame.text) or "两年" in frame.text)
            changes["years"] = changes["conversation_years"] if wants_two else earlier.years
            if wants_two and frame.figure is None and earlier.figure is not None:
                changes["intent"] = "sum" if self.vocabulary.cue("sum", frame.text) or "加起来" in frame.text \
                    else "compare"
        if follow_up and frame.figure is None and earlier.figure is not None:
            changes.update(figure=earlier.figure)
            changes.setdefault("intent", earlier.intent)
            table = earlier.figure.cells[0].table
            changes["column"] = self.vocabulary.column(frame.text, table) or (
                None if "总" in frame.text else earlier.column
            )
        if changes.get("figure") is not None or frame.figure is not None or (follow_up and earlier.in_scope):
            changes["in_scope"] = True
        return replace(frame, **changes)

    def _resolve_relative_years(self, frame: Frame) -> None:
        text = frame.text
        available = sorted({year for name in frame.agencies for year in self.years_of(name)})
        if frame.years and max(frame.years) >= 2099:  # "2019年以来": up to the newest report
            frame.years = [year for year in available if year >= frame.years[0]] or frame.years[:1]
        if frame.years and not set(frame.years) & set(available) and any(word in text for word in _PLANS):
            # "2025年打算怎么做": a report states its plans for the year after the one it covers.
            frame.years = [year - 1 for year in frame.years if year - 1 in available] or frame.years
        if not available or frame.years:
            return
        newest = available[-1]
        if "今年" in text or "本年" in text:
            frame.years = [newest]
        elif "去年" in text or "上一年" in text:
            frame.years = [newest - 1]
        elif "前年" in text:
            frame.years = [newest - 2]
        elif match := _RECENT.search(text):
            count = int(match.group(1)) if match.group(1).isdigit() else _CHINESE_NUMBERS.get(match.group(1), 3)
            frame.years = [year for year in available if year > newest - count]
            if frame.figure is not None and frame.intent == "lookup":
                frame.intent = "trend"


def _years(text: str) -> list[int]:
    if match := re.search(r"(20\d\d)\s*年?以来", text):
        return list(range(int(match.group(1)), 2100))  # narrowed to the years that have reports
    if match := _YEAR_RANGE.search(text):
        first, last = sorted((int(match.group(1)), int(match.group(2))))
        return list(range(first, last + 1))
    return sorted({int(year) for year in _YEAR.findall(text)})


def _mentions_no_time(text: str) -> bool:
    return not any(word in text for word in ("今年", "去年", "前年", "近", "历年", "每年"))


def _common_place(agencies: list[KnownAgency]) -> str | None:
    shared = set(agencies[0].places)
    for agency in agencies[1:]:
        shared &= set(agency.places)
    return max(shared, key=len) if shared else None
