"""The citizens' chat (Gradio, at `/`): streaming answers with numbered source cards."""

from __future__ import annotations

from pathlib import Path

import gradio as gr

from qa.answerer import Turn
from qa.model import Answer

EXAMPLES = [
    "平潭综合实验区管委会2023年收到多少政府信息公开申请？",
    "河北省教育厅2022年不予公开的有多少件？",
    "淮安市人民政府2024年政府信息公开工作存在哪些问题？",
    "桃江县财政局2025年有没有收取信息处理费？",
]
NOTICE = (
    "本服务根据已收录的《政府信息公开工作年度报告》回答问题：数字直接取自报告表格并注明出处，"
    "文字内容引用报告原文。报告中没有的内容不会编造；个人申请的办理进度请联系受理机关。"
)
CSS = """
.nb-cards{display:flex;flex-direction:column;gap:6px;margin-top:8px}
.nb-card{border:1px solid #d0d7de;border-radius:8px;padding:6px 10px;background:#f6f8fa;font-size:0.9em}
.nb-card summary{cursor:pointer;font-weight:600}
.nb-card blockquote{margin:6px 0 0 0;padding-left:8px;border-left:3px solid #8c959f;color:#24292f}
"""


# HTML's special characters and those that start Markdown constructs (links, images, emphasis, code,
# headings, tables, autolinks), each replaced by its numeric character reference.
INERT = str.maketrans({char: f"&#{ord(char)};" for char in "&<>\"'[]()!*_`~#|\\:@.-+=$"})


def inert(text: str) -> str:
    """Text that the chat shows exactly as written: neither HTML nor Markdown in it does anything.

    The chat renders Markdown, so escaping HTML alone would still turn a report's `![](https://…)` into an
    image every reader's browser fetches, and `[办理入口](https://…)` into a link. Character references
    display as the characters themselves but start no construct.
    """
    return text.translate(INERT)


def source_cards(answer: Answer) -> str:
    """Numbered cards for the citations; every piece of report text is inert."""
    if not answer.citations:
        return ""
    cards = []
    for number, citation in enumerate(answer.citations, start=1):
        page = f" · 第{citation.page}页" if citation.page else ""
        title = inert(f"[{number}] {citation.agency} {citation.year}年 · {citation.section_title}{page}")
        quote = inert(citation.quote)
        source = inert(Path(citation.source).name)
        cards.append(f'<details class="nb-card"><summary>{title}</summary>'
                     f"<blockquote>{quote}</blockquote><small>来源文件：{source}</small></details>")
    return '<div class="nb-cards">' + "".join(cards) + "</div>"


def chat_blocks(container) -> gr.Blocks:
    def respond(message: str, history: list[dict]):
        turns = [Turn(str(item.get("role")), _text(item.get("content"))) for item in history]
        shown = ""
        for piece in container.answerer.stream(message, None, turns):
            if piece is None:
                shown = ""
            elif isinstance(piece, Answer):
                yield inert(piece.answer) + source_cards(piece)
                return
            else:
                shown += piece
                yield inert(shown)

    with gr.Blocks(title="年报问答", analytics_enabled=False) as blocks:
        gr.Markdown("# 年报问答\n政府信息公开工作年度报告智能问答")
        gr.Markdown(NOTICE, elem_id="nb-notice")
        gr.ChatInterface(
            respond,
            chatbot=gr.Chatbot(label="问答", height=520, sanitize_html=True),
            textbox=gr.Textbox(placeholder="请输入您的问题，例如：某单位某年收到多少政府信息公开申请？", label="问题",
                               submit_btn="提问", stop_btn="停止", elem_id="nb-question"),
            examples=EXAMPLES,
            examples_label="可以这样问",
        )
    return blocks


def _text(content) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
    return str(content or "")
