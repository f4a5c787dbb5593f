"""The staff workspace's report view and the report JSON (`GET /api/reports/{id}`) show a cell whose
digits ran together with the value the neighbouring year's report decides, marked 跨年度读出 and
set apart from cells that stay uncertain; removing that report makes the cell uncertain again.

A real server on 127.0.0.1 over 平潭 2021 (行政规范性文件 printed 693665) and 2022 (8855698), and
the page in a real headless Chromium.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser

import httpx
import pytest
from playwright.sync_api import expect, sync_playwright

from nianbao.container import Container
from nianbao.settings import Settings
from tests.conftest import corpus_reports, load_truth, truth_files
from tests.servers import free_port
from tests.ui.conftest import ADMIN_TOKEN, ThreadedServer
from tests.ui.test_browser import ARGS, CHROMIUM
from ui.app import create_app
from ui.staff import report_html

REPORTS = ("012_pingtan-2021.txt", "013_pingtan-2022.txt")


def truth(number: str) -> dict:
    return load_truth(next(path for path in truth_files() if path.stem == number))["tables"]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    container = Container(Settings(data_dir=tmp_path_factory.mktemp("staff-report"), admin_token=ADMIN_TOKEN))
    for name in REPORTS:
        assert container.indexer.ingest(corpus_reports() / name).status == "ingested"
    port = free_port()
    with ThreadedServer(create_app(container), port):
        yield f"http://127.0.0.1:{port}"


def report_json(url: str, year: int) -> dict:
    [found] = [r for r in httpx.get(f"{url}/api/reports", timeout=30).json()["reports"] if r["year"] == year]
    reply = httpx.get(f"{url}/api/reports/{found['id']}", timeout=30)
    assert reply.status_code == 200
    return reply.json()


class _Cells(HTMLParser):
    """Each table cell of a rendered report: (class, title, text)."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[tuple[str, str, str]] = []
        self.notes: list[str] = []
        self._open: list | None = None
        self._in_notes = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "td":
            self._open = [attrs.get("class") or "", attrs.get("title") or "", ""]
        if tag == "ul" and attrs.get("class") == "nb-read-across-notes":
            self._in_notes = True
        if tag == "li" and self._in_notes:
            self.notes.append("")

    def handle_endtag(self, tag):
        if tag == "td" and self._open is not None:
            self.cells.append(tuple(self._open))
            self._open = None
        if tag == "ul":
            self._in_notes = False

    def handle_data(self, data):
        if self._open is not None:
            self._open[2] += data
        elif self._in_notes and self.notes:
            self.notes[-1] += data


def rendered(report: dict) -> _Cells:
    parser = _Cells()
    parser.feed(report_html(report))
    return parser


def test_the_report_json_gives_the_decided_value_marked_as_read_across_years(server):
    [row] = [r for r in report_json(server, 2022)["tables"]["t2"]["rows"] if r["label"] == "行政规范性文件"]
    expected = truth("013")["t2"]["normative"]
    assert [(cell["text"], cell["state"]) for cell in row["cells"]] == [
        (str(expected[col]), "read_across") for col in ("issued", "repealed", "in_force")]
    assert all("2021年报告（012_pingtan-2021.txt）" in cell["why"] for cell in row["cells"])


def test_the_report_view_sets_decided_cells_apart_from_uncertain_ones_and_explains_them(server):
    view = rendered(report_json(server, 2021))
    in_force = str(truth("012")["t2"]["normative"]["in_force"])
    decided = [cell for cell in view.cells if cell[0] == "nb-read-across"]
    assert [text for _, _, text in decided] == [f"现行有效 {in_force}※"]
    assert decided[0][1].startswith("跨年度读出：连写数字“693665”按2022年报告（013_pingtan-2022.txt）的勾稽关系拆分：")
    assert [text for klass, _, text in view.cells if klass == "nb-uncertain"] == ["本年制发 ?", "本年废止 ?"]
    assert view.notes == [f"※ {decided[0][1]}"], "the note is shown under the table, not only on hover"


def test_the_staff_page_shows_the_decided_cell_then_uncertain_once_the_neighbouring_report_is_removed(server):
    # Last in this module: it removes 2021 from the shared server.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
        page.goto(server + "/staff/")
        page.get_by_role("tab", name="年报").click()
        page.locator("#nb-report input").click()
        page.get_by_role("option", name="平潭综合实验区管委会 2022年（013_pingtan-2022.txt）").click()
        view = page.locator("#nb-report-view")
        issued = str(truth("013")["t2"]["normative"]["issued"])
        expect(view.locator("td.nb-read-across").first).to_have_text(f"本年制发 {issued}※", timeout=60_000)
        expect(view.locator("ul.nb-read-across-notes")).to_contain_text("按2021年报告（012_pingtan-2021.txt）")

        earlier = next(r for r in httpx.get(f"{server}/api/reports", timeout=30).json()["reports"]
                       if r["year"] == 2021)
        removed = httpx.delete(f"{server}/api/reports/{earlier['id']}", timeout=60,
                               headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        assert removed.status_code == 200

        page.reload()
        page.get_by_role("tab", name="年报").click()
        page.locator("#nb-report input").click()
        page.get_by_role("option", name="平潭综合实验区管委会 2022年（013_pingtan-2022.txt）").click()
        expect(view.locator("td.nb-uncertain").first).to_have_text("本年制发 ?", timeout=60_000)
        expect(view.locator("td.nb-read-across")).to_have_count(0)
        expect(view.locator("ul.nb-read-across-notes")).to_have_count(0)
        browser.close()
    states = [cell["state"] for row in report_json(server, 2022)["tables"]["t2"]["rows"]
              if row["label"] == "行政规范性文件" for cell in row["cells"]]
    assert states == ["uncertain"] * 3
