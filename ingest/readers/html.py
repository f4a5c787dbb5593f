"""Crawled web pages: strip the site's chrome, keep the report body, render tables as rows."""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

from ingest.readers import RawDocument
from ingest.readers.text import decode, normalise_newlines

_DROPPED = {"script", "style", "noscript", "head", "nav", "form", "select", "iframe", "button", "input"}
_BLOCKS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
    "header", "footer", "blockquote", "pre", "dd", "dt", "ucapcontent",
}
_OPENINGS = ("总体情况", "概述", "基本情况")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")


def read_html(data: bytes) -> RawDocument:
    text = decode(data)
    # Comments such as Word's <!--[if !supportLists]--> carry no report text.
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    try:
        root = lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return RawDocument(pages=[""], paginated=False)
    title = _declared_title(root)
    for element in list(root.iter(*_DROPPED)):
        element.drop_tree()
    body = _report_body(root)
    rendered = "\n".join(line.strip() for line in _render(body).splitlines())
    rendered = re.sub(r"\n{3,}", "\n\n", rendered).strip()
    return RawDocument(pages=[normalise_newlines(rendered)], paginated=False, declared_title=title)


def _declared_title(root: lxml_html.HtmlElement) -> str | None:
    titles = root.xpath("//title/text()")
    return _SPACES.sub(" ", titles[0]).strip() or None if titles else None


def _report_body(root: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    """The deepest element that still holds the whole report (its opening and its tables)."""
    body = root.find("body")
    best = body if body is not None else root
    best_len = len(best.text_content())
    for element in best.iter("div", "article", "section", "td", "ucapcontent"):
        content = element.text_content()
        if "主动公开" not in content or not any(marker in content for marker in _OPENINGS):
            continue
        if len(content) < best_len and _holds_all_tables(best, element):
            best, best_len = element, len(content)
    return best


def _holds_all_tables(outer: lxml_html.HtmlElement, inner: lxml_html.HtmlElement) -> bool:
    return len(outer.findall(".//table")) == len(inner.findall(".//table")) or not outer.findall(".//table")


def _render(element: lxml_html.HtmlElement) -> str:
    parts: list[str] = []
    _render_into(element, parts)
    return "".join(parts)


def _render_into(element: lxml_html.HtmlElement, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag == "table":
        parts.append("\n" + _render_table(element) + "\n")
        _append_tail(element, parts)
        return
    if tag in _BLOCKS:
        parts.append("\n")
    if element.text and tag:
        parts.append(_SPACES.sub(" ", element.text))
    for child in element:
        _render_into(child, parts)
    if tag in _BLOCKS:
        parts.append("\n")
    _append_tail(element, parts)


def _append_tail(element: lxml_html.HtmlElement, parts: list[str]) -> None:
    if element.tail:
        parts.append(_SPACES.sub(" ", element.tail))


def _render_table(table: lxml_html.HtmlElement) -> str:
    lines = []
    for row in table.iter("tr"):
        if _nearest_table(row) is not table:
            continue
        cells = [_cell_text(cell) for cell in row if isinstance(cell.tag, str) and cell.tag in ("td", "th")]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _nearest_table(row: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    parent = row.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _cell_text(cell: lxml_html.HtmlElement) -> str:
    # Labels are split into one span per character in Word exports; the cell is one unit of meaning.
    text = _SPACES.sub(" ", cell.text_content()).replace("|", "｜")
    return re.sub(r"\s*\n\s*", "", text).strip()
