"""Attacks on the running server, each as an attacker would send it, with nothing but HTTP to 127.0.0.1.

Every test here reproduces one finding of the security review and fails on the code before its fix.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import httpx

from nianbao.container import Container
from tests.servers import free_port, running
from tests.ui.conftest import ADMIN_TOKEN, PUBLIC_HOST, ThreadedServer, finished_job
from ui.app import create_app

MOUNTS = ("", "/staff")
FILE_INPUTS = ("chatbot", "file", "image", "audio", "video", "gallery", "model3d", "uploadbutton", "multimodaltextbox")


def _config(url: str, mount: str) -> dict:
    return httpx.get(f"{url}{mount}/config", timeout=30).json()


def _file_taking_functions(config: dict) -> list[tuple[int, list]]:
    """(fn_index, inputs) of every function of a Blocks that takes a Chatbot or a file input, from its config."""
    kinds = {component["id"]: component["type"].lower() for component in config["components"]}
    found = []
    for index, dependency in enumerate(config["dependencies"]):
        inputs = dependency.get("inputs", [])
        if any(kinds.get(input_id) in FILE_INPUTS for input_id in inputs):
            found.append((dependency.get("id", index), [kinds.get(input_id) for input_id in inputs]))
    return found


def _payload(kinds: list, path: str) -> list:
    file = {"path": path, "meta": {"_type": "gradio.FileData"}}
    values = []
    for kind in kinds:
        if kind == "chatbot":
            values.append([{"role": "user", "content": [{"type": "text", "text": "你好"}]},
                           {"role": "assistant", "content": [{"type": "file", "file": file}]}])
        elif kind in FILE_INPUTS:
            values.append(file)
        else:
            values.append(None)
    return values


def test_no_gradio_function_copies_a_server_file_into_the_public_cache(served, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("NIANBAO_ADMIN_TOKEN=very-secret-value", encoding="utf-8")
    attempted = 0
    for mount in MOUNTS:
        functions = _file_taking_functions(_config(served.url, mount))
        assert mount != "" or functions, "the chat's Chatbot functions must be found in its config"
        for fn_index, kinds in functions:
            for target in (str(secret), "/proc/self/environ", "/etc/passwd"):
                attempted += 1
                reply = httpx.post(f"{served.url}{mount}/gradio_api/run/predict", timeout=30,
                                   json={"fn_index": fn_index, "data": _payload(kinds, target), "session_hash": "x"})
                assert reply.status_code < 500
                assert "file=" not in reply.text and "very-secret-value" not in reply.text, (mount, fn_index)
    assert attempted


def test_an_endless_file_named_in_a_request_does_not_hang_the_server(served):
    for mount in MOUNTS:
        for fn_index, kinds in _file_taking_functions(_config(served.url, mount)):
            reply = httpx.post(f"{served.url}{mount}/gradio_api/run/predict", timeout=20,
                               json={"fn_index": fn_index, "data": _payload(kinds, "/dev/zero"), "session_hash": "x"})
            assert reply.status_code < 500
            assert httpx.get(f"{served.url}/api/health", timeout=10).status_code == 200


def test_the_staff_upload_refuses_files_before_and_without_a_token(served):
    upload_functions = _file_taking_functions(_config(served.url, "/staff"))
    assert upload_functions == [], "files reach the workspace only through the token-checked REST API"
    for mount in MOUNTS:
        stored = httpx.post(f"{served.url}{mount}/gradio_api/upload", files={"files": ("a.txt", b"x" * 1000)})
        assert stored.status_code == 404


def test_gradio_file_routes_never_redirect_or_fetch_elsewhere(served):
    for target in ("https://example.com/x.png", "http:/example.com", "//example.com/a"):
        reply = httpx.get(f"{served.url}/gradio_api/file={target}", follow_redirects=False, timeout=10)
        assert reply.status_code == 404 and "location" not in reply.headers


def test_a_foreign_page_cannot_call_gradio_from_a_visitors_browser(served):
    evil = {"Origin": "https://evil.example", "Host": PUBLIC_HOST}
    for mount in MOUNTS:
        reply = httpx.post(f"{served.url}{mount}/gradio_api/queue/join", headers=evil,
                           json={"fn_index": 0, "data": [], "session_hash": "x"})
        assert reply.status_code == 403
        assert "access-control-allow-origin" not in reply.headers
        assert "access-control-allow-credentials" not in reply.headers
        page = httpx.get(f"{served.url}{mount}/config", headers=evil)
        assert page.status_code == 403 and "access-control-allow-origin" not in page.headers


def test_year_ranges_are_bounded_and_bad_years_are_a_clear_422(served):
    for path in ("/api/figures?figure=new_received", "/api/search?q=复议"):
        for years in ("1-99999999", "abc", "2023-2019", "2019-", "-", "１９９９"):
            reply = httpx.get(f"{served.url}{path}&years={years}", timeout=10)
            assert reply.status_code == 422, (path, years)
            assert "2019-2023" in reply.text
    fine = httpx.get(f"{served.url}/api/figures", params={"figure": "new_received", "years": "2023"})
    assert fine.status_code == 200


def test_the_admin_token_is_never_kept_by_gradio(served):
    config = _config(served.url, "/staff")
    assert not config.get("run_history"), "Gradio's run history would store the inputs in localStorage"
    passwords = [c for c in config["components"] if c["type"].lower() == "textbox"
                 and c.get("props", {}).get("type") == "password"]
    assert passwords == [], "the token must not be a Gradio input"
    assert httpx.get(f"{served.url}/staff/gradio_api/runs").status_code in (404, 403)


def test_gradio_functions_have_the_same_rate_limit_as_the_api(served):
    settings = served.container.settings.model_copy(update={"rate_limit_per_minute": 3})
    port = free_port()
    with ThreadedServer(create_app(Container(settings)), port):
        url = f"http://127.0.0.1:{port}"
        codes = [httpx.post(f"{url}/staff/gradio_api/queue/join", timeout=30,
                            json={"fn_index": 0, "data": [], "session_hash": f"s{i}"}).status_code for i in range(4)]
        assert codes[-1] == 429 and 429 not in codes[:3]


def test_anonymous_uploads_are_refused_before_the_body_is_read(served):
    with socket.create_connection(("127.0.0.1", int(served.url.rsplit(":", 1)[1]))) as sock:
        sock.sendall(b"POST /api/reports HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x"
                     b"\r\nContent-Length: 314572800\r\n\r\n")
        sock.settimeout(10)
        head = sock.recv(4096)
    assert head.startswith(b"HTTP/1.1 401")


def test_oversized_bodies_and_names_are_refused_without_echoing_them(served):
    big = httpx.post(f"{served.url}/api/ask", content=b'{"question": "' + b"a" * 2_000_000 + b'"}',
                     headers={"Content-Type": "application/json"}, timeout=30)
    assert big.status_code == 413

    marker = "ECHO-" + "长" * 150
    for field in ("agency", "region"):
        reply = httpx.post(f"{served.url}/api/ask", json={"question": "收到多少申请？", field: marker})
        assert reply.status_code == 422 and "ECHO-" not in reply.text
    long_search = httpx.get(f"{served.url}/api/search", params={"q": "复议", "agency": marker})
    assert long_search.status_code == 422 and "ECHO-" not in long_search.text


def test_exports_open_in_a_spreadsheet_as_text_never_as_formulas(tmp_path):
    from ui.exports import to_csv, to_xlsx

    rows = [['=HYPERLINK("https://evil.example","点此")', 2023, 5, "+1"], ["@SUM(A1)", 2024, -3, "-2"]]
    csv_text = to_csv(["发布机关", "年度", "数", "单位"], rows).decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text and "'@SUM" in csv_text and "'+1" in csv_text and ",-3," in csv_text

    from openpyxl import load_workbook

    path = tmp_path / "figures.xlsx"
    path.write_bytes(to_xlsx(["发布机关", "年度", "数", "单位"], rows))
    sheet = load_workbook(path).active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value.startswith("=HYPERLINK")
    assert sheet["C3"].value == -3


def test_the_export_endpoint_serves_csv_and_xlsx(served):
    params = {"figure": "new_received", "years": "2022-2025"}
    csv_reply = httpx.get(f"{served.url}/api/figures/export", params={**params, "format": "csv"})
    assert csv_reply.status_code == 200 and "淮安市人民政府,2024,3119" in csv_reply.content.decode("utf-8-sig")
    xlsx_reply = httpx.get(f"{served.url}/api/figures/export", params={**params, "format": "xlsx"})
    assert xlsx_reply.status_code == 200 and xlsx_reply.content[:2] == b"PK"


def test_a_very_long_upload_name_is_stored_and_the_other_files_still_ingest(served, reports_dir):
    long_name = "年" * 100 + ".txt"
    files = [("files", (long_name, b"not a report at all", "text/plain")),
             ("files", ("016.txt", (reports_dir / "016_pingtan-2025.txt").read_bytes(), "text/plain"))]
    reply = httpx.post(f"{served.url}/api/reports", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
                       files=files, timeout=180)
    assert reply.status_code == 200
    jobs = [finished_job(served.url, result["job"]) for result in reply.json()["results"]]
    assert jobs[1]["outcome"]["status"] in ("ingested", "unchanged", "replaced") and len(jobs) == 2
    uploads = served.container.settings.data_dir / "uploads"
    assert not list(uploads.glob(".upload-*")) and not list((uploads / ".staged").iterdir())
    assert all(len(path.name.encode()) <= 255 for path in uploads.iterdir())
    served.container.indexer.remove(served.container.figure_store.find(jobs[1]["report_id"])[0])


def test_public_answers_and_hits_carry_no_server_paths(served):
    answer = httpx.post(f"{served.url}/api/ask", json={"question": "平潭2023年收到多少政府信息公开申请？"}).json()
    hits = httpx.get(f"{served.url}/api/search", params={"q": "行政复议"}).json()["results"]
    sources = [c["source"] for c in answer["citations"]] + [h["source"] for h in hits]
    assert sources and all("/" not in source and "\\" not in source for source in sources)


def test_gradio_shows_no_error_details_and_sends_no_analytics(served):
    for mount in MOUNTS:
        config = _config(served.url, mount)
        assert config.get("analytics_enabled") is False
        assert config.get("show_error") is False


def test_the_staff_pages_are_framed_by_no_other_site(served):
    staff = httpx.get(f"{served.url}/staff/")
    assert staff.headers["content-security-policy"] == "frame-ancestors 'self'"
    chat = httpx.get(f"{served.url}/")
    assert served.embedding_origin in chat.headers["content-security-policy"]


def test_a_rebound_host_name_is_refused(served):
    """DNS rebinding: the attacker's name resolves to this server, so Host and Origin agree and look same-site."""
    rebound = {"Host": "attacker.example:8000", "Origin": "http://attacker.example:8000"}
    assert httpx.get(f"{served.url}/api/health", headers=rebound).status_code == 400
    assert httpx.post(f"{served.url}/gradio_api/queue/join", headers=rebound,
                      json={"fn_index": 0, "data": [], "session_hash": "x"}).status_code == 400
    assert httpx.get(f"{served.url}/api/health", headers={"Host": PUBLIC_HOST}).status_code == 200


def test_a_client_that_trickles_its_headers_is_cut_off(served):
    port = free_port()
    with ThreadedServer(create_app(served.container), port, header_timeout=1), \
            socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET /api/health HTTP/1.1\r\n")
        sock.settimeout(1)
        closed = False
        for _ in range(30):  # one header byte a second, for up to 30 seconds
            try:
                sock.sendall(b"X")
                if sock.recv(1) == b"":
                    closed = True
                    break
            except TimeoutError:
                continue
            except OSError:
                closed = True
                break
        assert closed, "the server kept a connection whose headers never ended"


def test_head_of_the_widget_and_the_staff_page_without_a_slash(served):
    assert httpx.head(f"{served.url}/widget.js").status_code == 200
    staff = httpx.get(f"{served.url}/staff", follow_redirects=True)
    assert staff.status_code == 200 and str(staff.url).endswith("/staff/")


def test_markdown_and_markup_in_report_text_is_shown_as_written():
    from ui.chat import inert

    shown = inert('![x](https://evil.example/beacon.png) [点此办理](https://evil.example) <b>粗</b> www.evil.example')
    for construct in ("![", "](", "<b>", "https://", "www."):
        assert construct not in shown
    assert "&#33;&#91;x&#93;" in shown


def test_rate_limit_memory_is_bounded_and_busy_clients_stay_limited():
    from ui.limits import RateLimiter

    limiter = RateLimiter(per_minute=2, max_clients=100)
    assert limiter.allow("busy") and limiter.allow("busy") and not limiter.allow("busy")
    for number in range(10_000):
        limiter.allow(f"10.0.{number // 256}.{number % 256}")
        if number % 50 == 0:
            assert not limiter.allow("busy"), "an active client is remembered"
    assert len(limiter) <= 100


def test_forwarded_addresses_count_only_behind_trusted_proxies():
    from ui.limits import ClientAddresses

    nobody = ClientAddresses([])
    assert nobody.client("127.0.0.1", "1.2.3.4") == "127.0.0.1"
    proxy = ClientAddresses(["10.0.0.0/8"])
    assert proxy.client("10.0.0.5", "1.2.3.4") == "1.2.3.4"
    assert proxy.client("10.0.0.5", "6.6.6.6, 1.2.3.4") == "1.2.3.4", "a client's own forged hop is not believed"
    assert proxy.client("10.0.0.5", "1.2.3.4, 10.0.0.7") == "1.2.3.4"
    assert proxy.client("203.0.113.9", "1.2.3.4") == "203.0.113.9", "only a trusted peer may forward"
    assert proxy.client("10.0.0.5", "not-an-address") == "10.0.0.5"


def test_a_forged_forwarded_for_does_not_escape_the_limit_of_nianbao_serve(tmp_path):
    """Through the real `nianbao serve`, as deployed: uvicorn's own proxy-header trust is off."""
    port = free_port()
    environment = {"NIANBAO_RATE_LIMIT_PER_MINUTE": "3", "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "nianbao.cli", "serve", "--port", str(port), "--data-dir", str(tmp_path)]
    with running(command, port, "nianbao serve", env=environment):
        codes = [httpx.get(f"http://127.0.0.1:{port}/api/search", params={"q": "复议", "mode": "bm25"},
                           headers={"X-Forwarded-For": f"198.51.100.{number}"}, timeout=60).status_code
                 for number in range(5)]
    assert codes.count(429) >= 2, codes


def test_screenshots_are_written_only_when_asked(tmp_path, monkeypatch):
    from tests.ui import test_browser

    class Page:
        def screenshot(self, path, full_page):
            Path(path).write_bytes(b"png")

    monkeypatch.delenv(test_browser.SCREENSHOTS_ENV, raising=False)
    before = subprocess.run(["git", "status", "--porcelain", "docs"], capture_output=True, text=True).stdout
    test_browser.shot(Page(), "chat")
    assert subprocess.run(["git", "status", "--porcelain", "docs"], capture_output=True, text=True).stdout == before
    monkeypatch.setenv(test_browser.SCREENSHOTS_ENV, str(tmp_path))
    test_browser.shot(Page(), "chat")
    assert (tmp_path / "chat.png").read_bytes() == b"png"


def test_gradios_own_file_rules_apply_even_behind_no_gate(served):
    """Defence in depth: the mounted Gradio apps refuse server paths themselves, not only the gate in front."""
    port = free_port()
    with ThreadedServer(create_app(served.container).app, port):
        url = f"http://127.0.0.1:{port}"
        for fn_index, kinds in _file_taking_functions(_config(url, "")):
            reply = httpx.post(f"{url}/gradio_api/run/predict", timeout=30,
                               json={"fn_index": fn_index, "data": _payload(kinds, "/etc/passwd"), "session_hash": "x"})
            assert "file=" not in reply.text and "root:" not in reply.text


def test_malformed_hosts_and_bodies_are_refused_not_crashed_on(served):
    assert httpx.get(f"{served.url}/api/health", headers={"Host": "[::1"}).status_code == 400
    nested = httpx.post(f"{served.url}/gradio_api/queue/join", content=b"[" * 60_000,
                        headers={"Content-Type": "application/json"})
    assert nested.status_code == 400
