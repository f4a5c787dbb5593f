"""Every endpoint's contract, through HTTP, against the real server."""

from __future__ import annotations

import json

import httpx

from tests.ui.conftest import ADMIN_TOKEN, finished_job


def test_ask_answers_with_the_cli_json_shape(served):
    reply = httpx.post(f"{served.url}/api/ask", json={"question": "平潭2023年收到多少政府信息公开申请？"}, timeout=60)

    assert reply.status_code == 200
    body = reply.json()
    assert set(body) == {"answer", "route", "figures", "citations", "plan"}
    assert body["plan"]["steps"][0]["operation"] == "lookup" and body["plan"]["text"]
    assert body["route"] == "figures" and body["figures"][0]["value"] == 81
    assert set(body["citations"][0]) == {"source", "agency", "year", "section", "page", "quote"}


def test_ask_uses_the_agency_and_history_it_is_given(served):
    reply = httpx.post(f"{served.url}/api/ask", timeout=60, json={
        "question": "那企业申请的呢？", "agency": None,
        "history": [{"role": "user", "content": "平潭2023年收到多少政府信息公开申请？"},
                    {"role": "assistant", "content": "81件"}]})
    assert reply.json()["figures"][0]["col"] == "commercial"

    scoped = httpx.post(f"{served.url}/api/ask", timeout=60,
                        json={"question": "罚了多少次？", "agency": "桃江县财政局"})
    assert scoped.json()["figures"][0]["value"] == 1

    by_region = httpx.post(f"{served.url}/api/ask", timeout=60, json={"question": "罚了多少次？", "region": "益阳市"})
    assert by_region.json()["figures"][0]["agency"] == "桃江县财政局"


def test_ask_streams_server_sent_events_ending_with_the_answer(served):
    with httpx.stream("POST", f"{served.url}/api/ask", json={"question": "淮安市政府2024年被起诉了几次？"},
                      headers={"Accept": "text/event-stream"}, timeout=60) as reply:
        assert reply.headers["content-type"].startswith("text/event-stream")
        events = [block for block in reply.read().decode().split("\n\n") if block.strip()]

    names = [block.split("\n")[0].removeprefix("event: ") for block in events]
    assert names[-1] == "answer" and "delta" in names
    final = json.loads(events[-1].split("data: ", 1)[1])
    deltas = "".join(json.loads(block.split("data: ", 1)[1])["text"] for block in events if "event: delta" in block)
    assert deltas == final["answer"] and "46件" in final["answer"]


def test_search_has_the_cli_json_shape_and_filters(served):
    reply = httpx.get(f"{served.url}/api/search", params={"q": "行政复议", "years": "2024-2025", "top_k": 3})
    results = reply.json()["results"]

    assert 0 < len(results) <= 3
    assert set(results[0]) == {"agency", "year", "section", "section_title", "page", "source", "text", "score"}
    assert all(2024 <= r["year"] <= 2025 for r in results)
    assert httpx.get(f"{served.url}/api/search", params={"q": ""}).status_code == 422


def test_reports_list_and_detail_with_tables_and_checks(served):
    listed = httpx.get(f"{served.url}/api/reports").json()["reports"]
    assert {r["agency"] for r in listed} >= {"桃江县财政局", "淮安市人民政府"}

    kjt = next(r for r in listed if r["agency"] == "河北省科学技术厅")
    detail = httpx.get(f"{served.url}/api/reports/{kjt['id']}").json()
    assert [s["n"] for s in detail["sections"]][:3] == [1, 2, 3]
    assert detail["tables"]["t3"]["rows"][0]["cells"][-1]["text"] == "11"
    assert any(c["status"] == "fail" for c in detail["checks"])
    assert httpx.get(f"{served.url}/api/reports/nope").status_code == 404


def test_figures_across_agencies_and_years(served):
    rows = httpx.get(f"{served.url}/api/figures", params={"figure": "new_received", "years": "2022-2025"}).json()
    by_agency = {(r["agency"], r["year"]): r["value"] for r in rows["figures"]}
    assert by_agency[("平潭综合实验区管委会", 2023)] == 81
    assert by_agency[("淮安市人民政府", 2024)] == 3119
    assert httpx.get(f"{served.url}/api/figures", params={"figure": "nonsense"}).status_code == 400


def test_checks_list_every_failing_rule(served):
    reply = httpx.get(f"{served.url}/api/checks")
    checks = reply.json()["checks"]
    assert checks and all(c["status"] == "fail" for c in checks)
    assert {c["agency"] for c in checks} == {"河北省科学技术厅"}
    assert reply.json()["cross_year"] == [], "no agency has two consecutive years here"


def test_health_and_openapi_docs(served):
    assert httpx.get(f"{served.url}/api/health").json() == {"status": "ok", "reports": 4}
    assert httpx.get(f"{served.url}/docs").status_code == 200
    assert "/api/ask" in httpx.get(f"{served.url}/openapi.json").json()["paths"]


def test_upload_requires_the_admin_token(served, reports_dir):
    files = {"files": ("015.txt", (reports_dir / "015_pingtan-2024.txt").read_bytes(), "text/plain")}
    assert httpx.post(f"{served.url}/api/reports", files=files).status_code == 401
    assert httpx.post(f"{served.url}/api/reports", files=files,
                      headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_an_upload_is_queued_then_ingested_and_cannot_escape_the_upload_folder(served, reports_dir):
    data = (reports_dir / "015_pingtan-2024.txt").read_bytes()
    reply = httpx.post(f"{served.url}/api/reports", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
                       files={"files": ("../../../etc/平潭2024.txt", data, "text/plain")}, timeout=120)

    result = reply.json()["results"][0]
    assert result["status"] == "queued" and result["file"] == "平潭2024.txt" and len(result["job"]) == 32
    job = finished_job(served.url, result["job"])
    assert (job["status"], job["outcome"]["status"], job["outcome"]["year"]) == ("done", "ingested", 2024)
    uploads = served.container.settings.data_dir / "uploads"
    assert (uploads / "平潭2024.txt").read_bytes() == data
    served.container.indexer.remove(served.container.figure_store.find(job["report_id"])[0])


def test_an_unknown_job_is_a_404_and_a_malformed_id_a_422(served):
    unknown = httpx.get(f"{served.url}/api/jobs/{'0' * 32}")
    assert unknown.status_code == 404 and "没有这个任务" in unknown.json()["detail"]
    for malformed in ("nonsense", "x" * 65, "%00" * 11, "'; DROP TABLE ingest_jobs; --"):
        assert httpx.get(f"{served.url}/api/jobs/{malformed}").status_code in (404, 422), malformed


def test_browsers_from_other_origins_are_refused_unless_allowed(served):
    refused = httpx.get(f"{served.url}/api/health", headers={"Origin": "http://evil.example"})
    assert refused.status_code == 403 and "不在允许" in refused.json()["error"]

    allowed = httpx.options(f"{served.url}/api/ask", headers={"Origin": served.embedding_origin,
                                                               "Access-Control-Request-Method": "POST"})
    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-origin"] == served.embedding_origin
    page = httpx.get(f"{served.url}/widget.js")
    assert "attachShadow" in page.text
    assert served.embedding_origin in page.headers["content-security-policy"]
