"""Format readers: each turns a file's bytes into page texts with tables as `| cell |` rows."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RawDocument:
    """What a reader returns: page texts and the title the container declares, if any."""

    pages: list[str]
    paginated: bool
    declared_title: str | None = None
