"""Schema changes are Alembic migrations: a data directory made by release 0.1 upgrades in place and
answers as before, the migrations build exactly the declared schema, and `nianbao migrate` moves an
embedded data directory to PostgreSQL and a Chroma server.

The release 0.1 data directory is made by release 0.1 itself: its source is taken from git history
(`git archive` of the commit below) and its own `nianbao ingest` runs on real reports, so the test
cannot drift into checking a hand-made imitation of the old layout.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import inspect

from nianbao.cli import main
from nianbao.container import Container
from nianbao.settings import Settings
from tests.conftest import ROOT
from tests.vectorstore.test_indexer import stores_agree
from vectorstore.database import open_database, schema_revision
from vectorstore.schema import metadata

RELEASE_0_1 = "35675f465caebdf324e5d92756a55e0196180257"
FILES = ("014_pingtan-2023.txt", "043_shuyang-fgj-2023.html")
HEAD = "0006"


def run(cli_root, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(cli_root), "HF_HUB_OFFLINE": "1"}
    result = subprocess.run([sys.executable, "-m", "nianbao.cli", *args], cwd=cli_root, env=env,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def bm25_results(cli_root, data_dir, query: str) -> list[tuple]:
    out = run(cli_root, "--data-dir", str(data_dir), "search", query, "--mode", "bm25", "--top-k", "8", "--json")
    # By file name: release 0.1 printed the path where newer releases print the name.
    return [(Path(r["source"]).name, r["section"], r["text"], round(r["score"], 9))
            for r in json.loads(out.stdout)["results"]]


@pytest.fixture(scope="module")
def release_data_dir(tmp_path_factory):
    from tests.conftest import corpus_reports

    checkout = tmp_path_factory.mktemp("release-0.1")
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", RELEASE_0_1], capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as release:
        release.extractall(checkout, filter="data")
    data_dir = tmp_path_factory.mktemp("release-data") / "data"
    run(checkout, "--data-dir", str(data_dir), "ingest", *(str(corpus_reports() / name) for name in FILES))
    assert sorted(p.stem for p in (data_dir / "bm25").glob("*/*.json")), "release 0.1 writes BM25 files"
    answers = {query: bm25_results(checkout, data_dir, query) for query in ("行政复议", "本年新收政府信息公开申请数量")}
    return data_dir, answers


def test_a_release_0_1_data_directory_upgrades_in_place_and_answers_as_before(release_data_dir):
    data_dir, answers = release_data_dir

    for query, before in answers.items():
        assert bm25_results(ROOT, data_dir, query) == before, query
    container = Container(Settings(data_dir=data_dir))

    assert schema_revision(container.database) == HEAD
    assert len(stores_agree(container)) == len(FILES)
    assert container.figure_store.figure_count() > 0
    assert not (data_dir / "bm25").exists() and (data_dir / "bm25.imported").is_dir()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_migrations_build_exactly_the_declared_schema(backend, tmp_path, request):
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}" if backend == "sqlite" else request.getfixturevalue("postgres_url")
    engine = open_database(url)
    open_database(url)  # a second start finds nothing to do

    built = inspect(engine)
    for table in metadata.sorted_tables:
        columns = {c["name"]: c["nullable"] for c in built.get_columns(table.name)}
        assert columns == {c.name: c.nullable for c in table.columns}, table.name
        assert {tuple(c.name for c in index.columns) for index in table.indexes} <= {
            tuple(index["column_names"]) for index in built.get_indexes(table.name)}, table.name
    assert schema_revision(engine) == HEAD


def test_nianbao_migrate_moves_an_embedded_data_directory_to_the_servers(tmp_path, reports_dir, postgres_url,
                                                                         chroma_server, capsys):
    data_dir = tmp_path / "data"
    embedded = Container(Settings(data_dir=data_dir))
    for name in FILES:
        embedded.indexer.ingest(reports_dir / name)
    before = {mode: [(h.chunk.id, round(h.score, 6)) for h in _search(embedded, mode)] for mode in ("bm25", "dense")}

    assert main(["--data-dir", str(data_dir), "migrate", "--to-database", postgres_url,
                 "--to-chroma", chroma_server]) == 0
    assert "已迁移 2 份年报" in capsys.readouterr().out
    assert main(["--data-dir", str(data_dir), "migrate", "--to-database", postgres_url,
                 "--to-chroma", chroma_server]) == 0
    assert "已迁移 0 份年报" in capsys.readouterr().out, "running it again moves nothing twice"

    served = Container(Settings(data_dir=tmp_path / "elsewhere", database_url=postgres_url, chroma_url=chroma_server))
    assert stores_agree(served) == stores_agree(embedded)
    assert served.figure_store.figure_count() == embedded.figure_store.figure_count()
    for mode, hits in before.items():
        assert [(h.chunk.id, round(h.score, 6)) for h in _search(served, mode)] == hits, mode


def _search(container, mode):
    from qa.search import SearchRequest

    return container.search.search(SearchRequest("沭阳县发改局行政复议情况", top_k=8, mode=mode))


def test_an_unreachable_database_is_one_line_naming_it_without_its_password(tmp_path, capsys, monkeypatch):
    from tests.servers import free_port

    monkeypatch.setenv("NIANBAO_DATABASE_URL", f"postgresql+psycopg://nianbao:s3cret@127.0.0.1:{free_port()}/x")

    assert main(["--data-dir", str(tmp_path), "reports"]) == 1

    error = capsys.readouterr().err.strip()
    assert error.startswith("错误 / error: 数据库无法连接") and "127.0.0.1" in error
    assert "s3cret" not in error and len(error.splitlines()) == 1
