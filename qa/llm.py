"""LLM phrasing behind a number guard (the only module importing LangChain chat models).

The LLM never supplies a figure: it rewrites the deterministic answer, and every number in its
text must be one the tools produced or the cited sources print. One number that is not falls
back to the deterministic answer."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from qa.model import Answer

log = logging.getLogger(__name__)
_ARABIC = re.compile(r"\d+(?:\.\d+)?")
_CHINESE_NUMBER = re.compile(r"([零〇一二两三四五六七八九十百千万]+)(?=[件个次项条份位家人元%年]|万元)")
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_SENTENCE_END = re.compile(r"[。！？\n]")
# A model that echoes its instructions is not answering.
_PROMPT_ECHO = ("<资料>", "</资料>", "核对过的回答", "请把核对过的", "回答：", "问题：")
# Markup the phraser must not add: a link or image would send readers (or their browsers) elsewhere.
_MARKDOWN_LINK = re.compile(r"!?\[[^\]\n]*\]\s*\(")
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_URL = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*://|www\.)[^\s<>()（）\[\]“”\"']+", re.IGNORECASE)


def make_chat_model(settings):
    """A LangChain chat model for the configured backend, with an actionable error if it cannot load."""
    if settings.llm_backend == "llamacpp":
        if not settings.llm_model_path or not Path(settings.llm_model_path).is_file():
            raise ValueError("llamacpp 需要 NIANBAO_LLM_MODEL_PATH 指向本地 GGUF 文件 / set NIANBAO_LLM_MODEL_PATH")
        try:
            from langchain_community.chat_models import ChatLlamaCpp
        except ImportError as missing:
            raise RuntimeError("请安装 llama-cpp-python 和 langchain-community") from missing
        extra = {"chat_format": settings.llm_chat_format} if settings.llm_chat_format else {}
        return ChatLlamaCpp(model_path=str(settings.llm_model_path), temperature=settings.llm_temperature,
                            max_tokens=settings.llm_max_tokens, n_ctx=4096, verbose=False, streaming=True,
                            model_kwargs=extra)
    if settings.llm_backend == "openai":
        if not settings.llm_base_url:
            raise ValueError("openai 后端需要 NIANBAO_LLM_BASE_URL（OpenAI 兼容接口地址）")
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as missing:
            raise RuntimeError("请安装 langchain-openai") from missing
        return ChatOpenAI(base_url=settings.llm_base_url, api_key=settings.llm_api_key, model=settings.llm_model,
                          temperature=settings.llm_temperature, max_tokens=settings.llm_max_tokens, timeout=120,
                          # Servers that predate max_completion_tokens (llama.cpp, older vLLM) read this one.
                          extra_body={"max_tokens": settings.llm_max_tokens})
    raise ValueError(f"未知的 LLM 后端 / unknown llm backend: {settings.llm_backend}")


def chinese_to_int(text: str) -> int | None:
    total, section, digit = 0, 0, None
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char in _UNITS:
            unit = _UNITS[char]
            if unit == 10000:
                total += (section + (digit or 0)) * unit
                section, digit = 0, None
            else:
                section += (1 if digit is None else digit) * unit
                digit = None
        else:
            return None
    return total + section + (digit or 0)


def numbers_in(text: str) -> set[str]:
    found = {_normal(number) for number in _ARABIC.findall(text)}
    for match in _CHINESE_NUMBER.finditer(text):
        value = chinese_to_int(match.group(1))
        if value is not None:
            found.add(str(value))
    return found


def _normal(number: str) -> str:
    if "." in number:
        number = number.rstrip("0").rstrip(".")
    return number.lstrip("0") or "0"


def allowed_numbers(question: str, answer: Answer) -> set[str]:
    allowed = numbers_in(question) | numbers_in(answer.answer) | {_normal(n) for n in answer.computed}
    for figure in answer.figures:
        allowed |= numbers_in(figure.raw) | {str(figure.year)}
        if figure.value is not None:
            allowed.add(_normal(str(figure.value)))
    for citation in answer.citations:
        allowed |= numbers_in(citation.quote) | {str(citation.year), str(citation.section)}
        if citation.page:
            allowed.add(str(citation.page))
    allowed |= {str(n) for n in range(1, len(answer.citations) + 1)}
    return allowed


def unsupported_numbers(text: str, question: str, answer: Answer) -> set[str]:
    return numbers_in(text) - allowed_numbers(question, answer)


def added_markup(text: str, answer: Answer) -> bool:
    """Links, images, HTML tags or URLs that the checked answer does not already contain."""
    if _MARKDOWN_LINK.search(text) or _HTML_TAG.search(text):
        return True
    own = set(_URL.findall(answer.answer))
    return any(url not in own for url in _URL.findall(text))


def rejected(text: str, question: str, answer: Answer) -> bool:
    """A sentence (or whole text) the user must not see."""
    return (bool(unsupported_numbers(text, question, answer)) or any(echo in text for echo in _PROMPT_ECHO)
            or added_markup(text, answer))


def dropped_facts(text: str, answer: Answer) -> set[str]:
    """Figures of the checked answer, and citation marks, that a rewrite left out."""
    required = {_normal(str(f.value)) for f in answer.figures if f.value is not None} & numbers_in(answer.answer)
    missing = required - numbers_in(text)
    if answer.citations and not re.search(r"\[\d+\]", text):
        missing.add("[n]")
    return missing


class GuardedPhraser:
    def __init__(self, chat_model, prompts_dir: Path) -> None:
        self.chat_model = chat_model
        self.system = (Path(prompts_dir) / "system.txt").read_text(encoding="utf-8")
        self.template = (Path(prompts_dir) / "phrase.txt").read_text(encoding="utf-8")

    def messages(self, question: str, answer: Answer) -> list:
        from langchain_core.messages import HumanMessage, SystemMessage

        sources = "\n".join(f"[{n}] {c.agency}{c.year}年 {c.section_title}：{c.quote}"
                            for n, c in enumerate(answer.citations, start=1))
        prompt = self.template.format(question=question, answer=answer.answer, sources=sources or "（无）")
        return [SystemMessage(content=self.system), HumanMessage(content=prompt)]

    def rephrase(self, question: str, answer: Answer) -> Answer:
        try:
            text = self.chat_model.invoke(self.messages(question, answer)).content.strip()
        except Exception as error:  # an unreachable or failing model must never lose the answer
            log.warning("LLM phrasing failed, using the deterministic answer: %s", error)
            return answer
        return self._checked(text, question, answer)

    def stream(self, question: str, answer: Answer) -> Iterator[str | Answer | None]:
        """Sentences as the model writes them, each checked before it is shown. On the first
        unsupported number: None (discard what was shown), the deterministic text, the Answer."""
        shown, buffer = "", ""
        try:
            for chunk in self.chat_model.stream(self.messages(question, answer)):
                buffer += chunk.content or ""
                while (end := _SENTENCE_END.search(buffer)) is not None:
                    sentence, buffer = buffer[: end.end()], buffer[end.end():]
                    if rejected(sentence, question, answer):
                        yield from _fallback(shown, answer)
                        return
                    shown += sentence
                    yield sentence
        except Exception as error:
            log.warning("LLM streaming failed, using the deterministic answer: %s", error)
            yield from _fallback(shown, answer)
            return
        if (buffer and rejected(buffer, question, answer)) or dropped_facts(shown + buffer, answer):
            yield from _fallback(shown, answer)
            return
        shown += buffer
        if buffer:
            yield buffer
        yield self._checked(shown.strip(), question, answer)

    def _checked(self, text: str, question: str, answer: Answer) -> Answer:
        if not text or rejected(text, question, answer) or dropped_facts(text, answer):
            log.info("LLM text rejected by the guard (numbers, markup or echoed instructions)")
            return answer
        return replace(answer, answer=text)


def _fallback(shown: str, answer: Answer) -> Iterator[str | Answer | None]:
    if shown:
        yield None
    yield answer.answer
    yield answer
