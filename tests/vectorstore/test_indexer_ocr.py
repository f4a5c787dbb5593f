"""Ingestion of scanned pages: the OCR setting reaches the reader, and each recognised page is a stage."""

from __future__ import annotations

import pytest

from nianbao.container import Container
from nianbao.settings import Settings
from tests.ingest.report_builder import render_pdf
from tests.ingest.scan_builder import image_pdf, mixed_pdf, scanned_pages


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    return render_pdf("chromium-break-in-table-3", tmp_path_factory.mktemp("printed"))


@pytest.fixture(scope="module")
def half_scanned(printed, tmp_path_factory):
    """The generated report with its second page (table 三) replaced by a 200 dpi scan."""
    scan = scanned_pages(printed, 200, seed=3, pages=[1])[0]
    return mixed_pdf(printed, {1: scan}, tmp_path_factory.mktemp("mixed") / "半扫描.pdf", 200)


def test_with_ocr_off_a_scanned_pdf_is_refused_and_nothing_is_stored(printed, tmp_path):
    scanned = image_pdf(scanned_pages(printed, 150, seed=4), tmp_path / "扫描件.pdf", 150)
    container = Container(Settings(data_dir=tmp_path / "data", ocr=False))
    outcome = container.indexer.ingest(scanned)

    assert outcome.status == "failed" and "OCR" in outcome.reason
    assert container.figure_store.reports(status=None) == []


def test_each_recognised_page_is_a_stage_of_the_ingestion(half_scanned, tmp_path):
    container = Container(Settings(data_dir=tmp_path / "data"))
    stages = []
    outcome = container.indexer.ingest(half_scanned, on_stage=lambda stage, _report: stages.append(stage))

    assert outcome.status == "ingested"
    assert stages == ["reading", "ocr:2/3", "indexing", "recording"]
