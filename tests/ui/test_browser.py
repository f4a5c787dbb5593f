"""The pages in a real headless Chromium (Debian's, driven by Playwright): chat, workspace, widget."""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.servers import free_port
from tests.ui.conftest import ADMIN_TOKEN

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS_ENV = "NIANBAO_SCREENSHOTS"
"""Where to save the README's screenshots (`make screenshots`); unset in `make test`, which writes nothing."""
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: run `make install` (apt-get install chromium fonts-noto-cjk)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()


def shot(page, name: str) -> None:
    folder = os.environ.get(SCREENSHOTS_ENV)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=False)


def test_chat_answers_with_a_cited_figure(served, page):
    page.goto(served.url + "/")
    page.locator("#nb-question textarea").fill("平潭2023年收到多少政府信息公开申请？")
    page.locator("#nb-question textarea").press("Enter")

    bot = page.locator(".bot, [data-testid='bot']").last
    expect(bot).to_contain_text("81件", timeout=60_000)
    expect(page.locator("details.nb-card").first).to_contain_text("平潭综合实验区管委会 2023年")
    page.locator("details.nb-card summary").first.click()
    expect(page.locator("details.nb-card blockquote").first).to_contain_text("表三")
    shot(page, "chat")


def test_chat_on_a_phone(served, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.goto(served.url + "/")
    phone.locator("#nb-question textarea").fill("桃江县财政局2025年罚了多少次？")
    phone.locator("#nb-question textarea").press("Enter")
    expect(phone.locator(".bot, [data-testid='bot']").last).to_contain_text("1件", timeout=60_000)
    shot(phone, "chat-phone")
    context.close()


def test_staff_search_with_filters_highlights_the_words(served, page):
    page.goto(served.url + "/staff/")
    page.locator("#nb-query textarea, #nb-query input").first.fill("行政复议")
    page.locator("#nb-year-from input").fill("2024")
    page.locator("#nb-year-to input").fill("2024")
    page.locator("#nb-search").click()

    hits = page.locator("#nb-results .nb-hit")
    expect(hits.first).to_be_visible(timeout=60_000)
    expect(hits.first).to_contain_text("2024年")
    expect(page.locator("#nb-results mark").first).to_have_text("行政复议")
    assert "2025年" not in page.locator("#nb-results").inner_text()
    shot(page, "staff-search")


def test_staff_opens_a_report_with_its_tables_and_failing_checks(served, page):
    page.goto(served.url + "/staff/")
    page.get_by_role("tab", name="年报").click()
    page.locator("#nb-report input").click()
    page.get_by_role("option", name="河北省科学技术厅 2022年（026_hebei-kjt-2022.txt）").click()

    view = page.locator("#nb-report-view")
    expect(view).to_contain_text("勾稽检查未通过", timeout=60_000)
    expect(view.locator("table.nb-table").nth(1)).to_contain_text("本年新收政府信息公开申请数量")
    expect(view).to_contain_text("五、存在的主要问题")
    shot(page, "staff-report")


def test_staff_exports_a_figure_across_agencies_as_csv(served, page):
    page.goto(served.url + "/staff/")
    page.get_by_role("tab", name="数字").click()
    page.locator("#nb-explore").click()
    expect(page.locator("#nb-figure-table")).to_contain_text("淮安市人民政府", timeout=60_000)
    with page.expect_download() as download:
        page.locator("#nb-export-csv").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "发布机关,年度,本年新收政府信息公开申请" in text and "淮安市人民政府,2024,3119" in text
    shot(page, "staff-figures")


def test_staff_upload_ingests_with_the_token_keeps_it_nowhere_and_lists_the_report(served, page, reports_dir):
    page.goto(served.url + "/staff/")
    page.get_by_role("tab", name="上传").click()
    form = page.locator("form.nb-upload")
    form.locator("input[name=token]").fill(ADMIN_TOKEN)
    form.locator("input[name=files]").set_input_files(str(reports_dir / "013_pingtan-2022.txt"))
    form.locator("button[type=submit]").click()
    # The upload is a job: its line follows it from 排队中 to 已入库.
    expect(form.locator(".nb-upload-result")).to_contain_text("013_pingtan-2022.txt：已入库", timeout=120_000)
    assert form.locator("input[name=token]").input_value() == ""
    stored = page.evaluate("JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])")
    assert ADMIN_TOKEN not in stored
    try:
        page.reload()
        page.get_by_role("tab", name="年报").click()
        page.locator("#nb-report input").click()
        expect(page.get_by_role("option", name=re.compile("平潭综合实验区管委会 2022年"))).to_be_visible(timeout=30_000)
    finally:
        for report in served.container.figure_store.reports():
            if report.source.endswith("013_pingtan-2022.txt"):
                served.container.indexer.remove(report)


def _host_page(port: int, tmp_path: Path, service: str) -> threading.Thread:
    (tmp_path / "index.html").write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>桃江县财政局</title>"
        "<style>button{background:lime!important;font-size:40px!important}</style></head>"
        "<body><h1>桃江县财政局 政府信息公开</h1>"
        f"<script src='{service}/widget.js' data-agency='桃江县财政局' async></script></body></html>",
        encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    thread.server = server
    return thread


def test_widget_on_an_allowed_site_answers_for_its_agency(served, page, tmp_path):
    host = _host_page(served.embedding_port, tmp_path, served.url)
    try:
        page.goto(served.embedding_origin + "/index.html")
        button = page.locator("[data-nianbao] >> css=.btn")
        expect(button).to_be_visible(timeout=30_000)
        assert button.evaluate("b => getComputedStyle(b).backgroundColor") != "rgb(0, 255, 0)", "host CSS leaked in"
        button.press("Enter")
        question = page.locator("[data-nianbao] >> css=input")
        expect(question).to_be_focused()
        question.fill("罚了多少次？")
        question.press("Enter")
        answer = page.locator("[data-nianbao] >> css=.bot").last
        expect(answer).to_contain_text("桃江县财政局2025年行政处罚决定为1件", timeout=60_000)
        expect(answer.locator(".cite").first).to_contain_text("表二")
        shot(page, "widget")
    finally:
        host.server.shutdown()


def test_widget_on_a_site_not_on_the_allowlist_is_refused(served, page, tmp_path):
    port = free_port()
    host = _host_page(port, tmp_path, served.url)
    try:
        page.goto(f"http://127.0.0.1:{port}/index.html")
        page.locator("[data-nianbao] >> css=.btn").click()
        page.locator("[data-nianbao] >> css=input").fill("罚了多少次？")
        page.locator("[data-nianbao] >> css=input").press("Enter")
        expect(page.locator("[data-nianbao] >> css=.bot").last).to_contain_text("暂时无法回答", timeout=30_000)
    finally:
        host.server.shutdown()


def test_report_text_with_markup_is_shown_as_text_and_runs_nothing(served, page, tmp_path):
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(
        "上海市科学技术委员会2024年政府信息公开工作年度报告\n一、总体情况\n"
        "本年度公开工作平稳<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=2</script>有序。\n"
        "二、主动公开政府信息情况\n无。\n五、存在的主要问题及改进情况\n无。\n", encoding="utf-8")
    outcome = served.container.indexer.ingest(hostile)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(served.url + "/")
        page.locator("#nb-question textarea").fill("上海市科学技术委员会2024年总体情况怎么样？")
        page.locator("#nb-question textarea").press("Enter")
        expect(page.locator(".bot, [data-testid='bot']").last).to_contain_text("onerror", timeout=60_000)
        page.goto(served.url + "/staff/")
        page.locator("#nb-query textarea, #nb-query input").first.fill("公开工作平稳")
        page.locator("#nb-search").click()
        expect(page.locator("#nb-results")).to_contain_text("<script>", timeout=60_000)
        assert page.evaluate("window.__pwned") is None and dialogs == []
    finally:
        served.container.indexer.remove(served.container.figure_store.find(outcome.report_id)[0])
