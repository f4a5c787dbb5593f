"""Uploads become ingestion jobs (embedded default: the job runs on a thread of this process): the
caller gets a job id at once, the job's state tells the outcome, and uploading a file again under
the same name replaces the earlier version everywhere, in order."""

from __future__ import annotations

from nianbao.container import Container
from nianbao.settings import Settings
from tests.vectorstore.test_indexer import stores_agree


def test_an_upload_is_queued_and_its_job_tells_the_outcome(tmp_path, reports_dir):
    container = Container(Settings(data_dir=tmp_path / "data"))
    data = (reports_dir / "014_pingtan-2023.txt").read_bytes()

    queued = container.uploads.submit("../../平潭 2023.txt", data)
    container.jobs.wait()
    state = container.uploads.state(queued["job"])

    assert (queued["status"], queued["file"]) == ("queued", "平潭_2023.txt")
    assert state["status"] == "done" and state["outcome"]["status"] == "ingested"
    assert state["outcome"]["agency"] == "平潭综合实验区管委会" and "path" not in state["outcome"]
    assert (tmp_path / "data" / "uploads" / "平潭_2023.txt").read_bytes() == data
    assert list((tmp_path / "data" / "uploads" / ".staged").iterdir()) == []
    assert len(stores_agree(container)) == 1


def test_two_uploads_of_one_name_run_in_order_and_the_second_replaces_the_first(tmp_path, reports_dir):
    container = Container(Settings(data_dir=tmp_path / "data"))
    original = (reports_dir / "000_taojiang-czj-2025.txt").read_text(encoding="utf-8")
    changed = original.replace("行政处罚 |\n1 |", "行政处罚 |\n2 |")

    first = container.uploads.submit("report.txt", original.encode())
    second = container.uploads.submit("report.txt", changed.encode())
    container.jobs.wait()

    outcomes = [container.uploads.state(job["job"])["outcome"] for job in (first, second)]
    assert [o["status"] for o in outcomes] == ["ingested", "replaced"]
    assert stores_agree(container) == {outcomes[1]["report_id"]}
    assert [job["id"] for job in container.uploads.recent()] == [second["job"], first["job"]]


def test_an_unsupported_type_is_refused_without_a_job(tmp_path):
    container = Container(Settings(data_dir=tmp_path / "data"))

    refused = container.uploads.submit("script.exe", b"MZ")

    assert refused["status"] == "failed" and "不支持的文件类型" in refused["reason"]
    assert container.uploads.recent() == [] and container.uploads.state("no-such-job") is None
