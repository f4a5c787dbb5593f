"""Who published a report, for which year, in which template version."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ingest.gazetteer import Gazetteer
from ingest.locate import LabelIndex

_AGENCY_SUFFIX = (
    r"(?:人民政府办公厅|人民政府办公室|人民政府|管理委员会|管委会|委员会|办公厅|办公室|"
    r"[^\s，。、；：（）()《》“”]{1,12}?(?:厅|局|委|办|院|署|中心|分局|支队|所|站|馆))"
)
_AGENCY_END = re.compile(r"(?:人民政府|管委会|管理委员会|委员会|厅|局|委|办|办公室|院|署|中心|所|站|馆)$")
_YEAR = r"(20\d\d|19\d\d)"
_REPORT_WORDS = r"\s*度?\s*(?:政府|政务)?\s*信息公开\s*(?:工作)?\s*(?:年度)?\s*(?:报告|年报|总结)"
_REPORT_TITLE = re.compile(rf"([\u4e00-\u9fff（）()]{{2,40}}?)\s*(?:关于)?\s*{_YEAR}\s*年{_REPORT_WORDS}")
_YEAR_FIRST_TITLE = re.compile(rf"{_YEAR}\s*年\s*度?\s*([^\s，。；：《》“”\d]{{2,30}}?){_REPORT_WORDS}")
_PERIOD = re.compile(rf"统计(?:期限|周期|时限)?(?:为|自|是|从)?\s*{_YEAR}\s*年\s*1\s*月\s*1\s*日")
_TITLE_LINE = re.compile(r"(?:标题|title)\s*[:：]\s*(.+)", re.I)
_COMPILED_BY = re.compile(r"由\s*([^\s，。；、]{2,30}?)\s*(?:根据[^。]{0,80}?)?编制")
_SIGNATURE = re.compile(
    r"([\u4e00-\u9fff]{2,40}?)\s*[（(]?\s*(?:20\d\d|二[〇○零Ｏ0][一二三四五六七八九〇○零]{2})\s*年\s*\d{1,2}\s*月"
)
_OPENING_SUBJECT = re.compile(
    rf"{_YEAR}\s*年(?:度|以来)?\s*[，,]?\s*([\u4e00-\u9fff]{{2,24}}?{_AGENCY_END.pattern[:-1]})"
    r"(?=坚持|深入|认真|紧紧|始终|全面|严格|积极|按照|围绕|不断|在)"
)
PROVINCES = (
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省",
    "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区",
    "海南省", "重庆市", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省",
    "宁夏回族自治区", "新疆维吾尔自治区",
)
# Common short forms of agency names, expanded so that one agency has one name.
ABBREVIATIONS = {
    "科委": "科学技术委员会",
    "发改委": "发展和改革委员会",
    "人社厅": "人力资源和社会保障厅",
    "人社局": "人力资源和社会保障局",
    "人力资源社会保障厅": "人力资源和社会保障厅",
    "人力资源社会保障局": "人力资源和社会保障局",
    "工信厅": "工业和信息化厅",
    "科技厅": "科学技术厅",
    "教委": "教育委员会",
}
_BARE_REGION_END = ("省", "市", "县", "区", "旗", "州")
_GOVERNMENT_FORMS = ("管委会", "管理委员会", "人民政府")
_REGION = re.compile(
    r"^((?:[\u4e00-\u9fff]{2,8}?(?:省|自治区))?(?:[\u4e00-\u9fff]{2,8}?(?:市|自治州|地区|盟))?"
    r"(?:[\u4e00-\u9fff]{1,8}?(?:县|区|旗|市))?)"
)


@dataclass(frozen=True)
class Metadata:
    title: str | None
    agency: str | None
    region: str | None
    year: int | None


def read_metadata(text: str, declared_title: str | None, gazetteer: Gazetteer | None = None) -> Metadata:
    gazetteer = gazetteer or Gazetteer()
    head = text[:3000]
    title = _title(head, declared_title)
    title_match = None
    if title:
        title_match = _REPORT_TITLE.search(title) or _YEAR_FIRST_TITLE.search(title)
    agency = _agency(text, title)
    if agency:
        agency = _correct_places(agency, gazetteer)
    year = _year(text, title_match)
    if title is None and agency and year:
        title = f"{agency}{year}年政府信息公开工作年度报告"
    return Metadata(title=title, agency=agency, region=_region(agency, gazetteer), year=year)


def _title(head: str, declared: str | None) -> str | None:
    line = _TITLE_LINE.search(head)
    squeezed_head = re.sub(r"[ \t\u3000]+", "", head)
    candidates = [line.group(1) if line else None, declared]
    for pattern in (_REPORT_TITLE, _YEAR_FIRST_TITLE):
        candidates += [match.group(0) for match in pattern.finditer(squeezed_head.replace("\n", ""))][:1]
    for candidate in candidates:
        if candidate and (_REPORT_TITLE.search(candidate) or _YEAR_FIRST_TITLE.search(candidate)):
            return re.sub(r"\s+", "", candidate.strip("#《》 \t"))
    return None


def _agency(text: str, title: str | None) -> str | None:
    squeezed = re.sub(r"\s+", "", text)
    named = None
    for candidate in _agency_candidates(squeezed, title):
        named = _clean_agency(candidate)
        if named:
            break
    if named is None:
        return None
    if named.endswith(_BARE_REGION_END):
        return _government_of(named, squeezed)
    return _fullest_form(_expand(named, squeezed), squeezed)


def _agency_candidates(squeezed: str, title: str | None):
    for source in (title, squeezed[:3000]):
        if not source:
            continue
        for pattern, group in ((_REPORT_TITLE, 1), (_YEAR_FIRST_TITLE, 2)):
            for match in pattern.finditer(source):
                yield match.group(group)
    for match in _COMPILED_BY.finditer(squeezed):
        yield match.group(1)
    for match in reversed(list(_SIGNATURE.finditer(squeezed[-400:]))):
        yield _from_province(match.group(1))
    for match in _OPENING_SUBJECT.finditer(squeezed[:3000]):
        yield match.group(2)


def _from_province(name: str) -> str:
    """A signature glued to the text before it: keep it from the province name on, if one is there."""
    for province in PROVINCES:
        position = name.find(province)
        if position > 0:
            return name[position:]
    return name


def _clean_agency(name: str | None) -> str | None:
    if not name:
        return None
    name = re.sub(r"^[#\s、，。：:\d.．]*", "", name)
    name = re.sub(r"^(?:现发布|发布|公布|关于|印发|现将|正文)+", "", name)
    name = name.strip("《》“”\"' ")
    if name.startswith(("我", "本")) or len(name) < 2:
        return None
    if not (_AGENCY_END.search(name) or name.endswith(_BARE_REGION_END)):
        return None
    return name


def _expand(name: str, squeezed: str) -> str:
    for short, full in ABBREVIATIONS.items():
        if name.endswith(short) and not name.endswith(full):
            name = name[: -len(short)] + full
            break
    if name.startswith(("省", "市")):
        level = name[0]
        mentioned = Counter(
            province for province in PROVINCES if province.endswith(level) for _ in re.finditer(province, squeezed)
        )
        if mentioned:
            name = mentioned.most_common(1)[0][0] + name[1:]
    return name


def _fullest_form(name: str, squeezed: str) -> str:
    """淮安市洪泽区人民政府 where the title says 洪泽区人民政府 and the text says both."""
    if name.startswith(PROVINCES) or re.match(r"[\u4e00-\u9fff]{2,3}市", name):
        return name
    prefixes = Counter()
    for match in re.finditer(re.escape(name), squeezed):
        for length in (3, 4):
            prefix = squeezed[max(0, match.start() - length) : match.start()]
            if len(prefix) == length and prefix.endswith("市") and re.fullmatch(r"[\u4e00-\u9fff]+", prefix):
                prefixes[prefix] += 1
                break
    return prefixes.most_common(1)[0][0] + name if prefixes else name


def _government_of(region: str, squeezed: str) -> str:
    """A title naming a place ("平潭综合实验区2011年…") means that place's government."""
    forms = Counter(form for form in _GOVERNMENT_FORMS for _ in re.finditer(re.escape(region + form), squeezed))
    if forms:
        form = forms.most_common(1)[0][0]
        return region + ("管委会" if form == "管理委员会" else form)
    return region + "人民政府"


def _year(text: str, title_match: re.Match | None) -> int | None:
    if title_match:
        return int(title_match.group(2) if title_match.re is _REPORT_TITLE else title_match.group(1))
    period = _PERIOD.search(re.sub(r"\s+", "", text[:3000]))
    if period:
        return int(period.group(1))
    opening = re.search(rf"{_YEAR}\s*年(?:度)?(?:以来)?[，,、]?", text[:600])
    if opening:
        return int(opening.group(1))
    years = Counter(int(year) for year in re.findall(rf"{_YEAR}\s*年", text))
    return years.most_common(1)[0][0] if years else None


def _correct_places(agency: str, gazetteer: Gazetteer) -> str:
    for part in gazetteer.parts(agency):
        corrected = gazetteer.correct(part)
        if corrected != part:
            agency = agency.replace(part, corrected, 1)
    return agency


def _region(agency: str | None, gazetteer: Gazetteer) -> str | None:
    """The full administrative path of the most specific place the agency's name starts with."""
    if not agency:
        return None
    parts = gazetteer.parts(agency)
    for part in reversed(parts):
        path = gazetteer.path(part)
        if path:
            return " ".join(path)
    if parts:
        return " ".join(parts)
    match = _REGION.match(agency)
    return match.group(1) or None if match else None


def detect_format(text: str, year: int | None, regions: dict) -> str:
    """`2021`, `2019` or `pre2019`, from what the tables print, else from the year and headings."""
    index = LabelIndex(text)
    t2 = regions.get("t2")
    if t2 is not None:
        if index.find(r"本年制发件数|本年废止件数|现行有效件数", t2.start, t2.end):
            return "2021"
        if index.find(r"本年新制作数量|对外公开总数量|上一年项目数量|其他对外管理服务事项|本年增", t2.start, t2.end):
            return "2019"
    t3 = regions.get("t3")
    if t3 is not None and index.find(r"逾期不补正|逾期未按收费通知", t3.start, t3.end):
        return "2021"
    uses_template = t3 is not None or index.find(r"收到和处理政府信息公开申请") is not None
    if year is not None and (year >= 2019 or uses_template):
        if year >= 2021:
            return "2021"
        if year >= 2019:
            return "2019"
    return "pre2019"
