"""Chinese word segmentation with jieba (the only module importing it), domain terms kept whole."""

from __future__ import annotations

import logging
import re
from functools import cached_property

DOMAIN_TERMS = (
    "政府信息公开", "依申请公开", "主动公开", "予以公开", "部分公开", "不予公开", "无法提供", "不予处理",
    "行政复议", "行政诉讼", "信息处理费", "行政规范性文件", "规范性文件", "政务公开", "政务新媒体", "政策解读",
    "三安全一稳定", "过程性信息", "内部事务信息", "行政执法案卷", "行政查询事项", "上年结转", "结转下年度",
    "行政许可", "行政处罚", "行政强制", "行政事业性收费", "政府集中采购", "信访举报投诉", "公开出版物",
    "重复申请", "国家秘密", "第三方合法权益", "政府网站", "政务服务", "年度报告", "复议后起诉", "直接起诉",
    "尚未审结", "结果维持", "结果纠正", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构",
)
_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
STOPWORDS = frozenset(
    "的 了 和 与 及 等 是 在 对 为 有 中 年 我 有没有 吗 呢 多少 哪些 什么 怎么 如何 情况 是否 请问".split()
)


class Segmenter:
    def __init__(self, extra_terms: tuple[str, ...] = ()) -> None:
        self._extra_terms = extra_terms

    @cached_property
    def _jieba(self):
        try:
            import jieba
        except ImportError as missing:  # pragma: no cover - a core dependency
            raise RuntimeError("未安装 jieba / jieba is not installed: pip install jieba") from missing
        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        for term in DOMAIN_TERMS + self._extra_terms:
            tokenizer.add_word(term, freq=200_000)
        return tokenizer

    def add_terms(self, terms: list[str]) -> None:
        for term in terms:
            self._jieba.add_word(term, freq=200_000)

    def tokens(self, text: str) -> list[str]:
        words = self._jieba.lcut(text, HMM=False)
        return [word for word in (w.strip().lower() for w in words) if _KEEP.search(word) and word not in STOPWORDS]
