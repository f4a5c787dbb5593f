"""Resolving what a user typed ("桃江财政局", "淮安") to the exact agency names that are indexed."""

from __future__ import annotations

import re

_GENERIC = re.compile(r"(人民政府|办公厅|办公室|管委会|管理委员会|委员会|省|市|县|区)")


def match_agencies(typed: str, known: list[str]) -> list[str]:
    """Exact name first; otherwise every agency whose name contains all the typed characters in
    order (桃江财政局 ⊂ 桃江县财政局), scored by how little of the name is left unmatched."""
    typed = typed.strip()
    if not typed:
        return []
    if typed in known:
        return [typed]
    contained = [name for name in known if typed in name]
    if contained:
        return contained
    pattern = re.compile(".*?".join(map(re.escape, typed)))
    subsequence = [name for name in known if pattern.search(name)]
    if subsequence:
        shortest = min(len(name) for name in subsequence)
        return [name for name in subsequence if len(name) == shortest] if len(subsequence) > 1 else subsequence
    core = _GENERIC.sub("", typed)
    return [name for name in known if core and core in name]
