"""Legacy Word (.doc) and WPS (.wps) files read exactly as the same report saved as DOCX; formats
not read yet (OFD, Excel) and damaged or stalling files get a one-line error naming the file.

The .doc is the generated DOCX saved by LibreOffice Writer as Word 97-2003 ("MS Word 97"), the format
the tests cannot get from anywhere else. LibreOffice cannot write WPS: Kingsoft WPS Writer's .wps
files are Word-binary documents under their own suffix, so the .wps fixture is that Word 97 file
named .wps. Needs `apt-get install -y libreoffice-writer-nogui`.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from ingest.errors import UnreadableReport
from ingest.reader import read_report
from ingest.readers.legacy import read_legacy_word
from nianbao.cli import main
from tests.ingest.report_builder import REPORT, figure_mismatches, write_docx


@pytest.fixture(scope="module")
def docx_and_doc(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("legacy")
    docx = write_docx(REPORT, folder / "年报.docx")
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is needed: apt-get install -y libreoffice-writer-nogui"
    subprocess.run([soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                    "--convert-to", "doc:MS Word 97", "--outdir", str(folder / "doc"), str(docx)],
                   check=True, capture_output=True, timeout=180)
    doc = folder / "doc" / "年报.doc"
    assert doc.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a Word 97 (OLE compound) file"
    return docx, doc


def same_report(left, right) -> list[str]:
    problems = []
    for field in ("title", "agency", "region", "year", "format"):
        if getattr(left, field) != getattr(right, field):
            problems.append(f"{field}: {getattr(left, field)!r} != {getattr(right, field)!r}")
    if [(s.n, s.title, s.text) for s in left.sections] != [(s.n, s.title, s.text) for s in right.sections]:
        problems.append("sections differ")
    if left.figures != right.figures:
        problems.append("figures differ")
    if [(c.rule, c.where, c.status) for c in left.checks] != [(c.rule, c.where, c.status) for c in right.checks]:
        problems.append("checks differ")
    return problems


def test_a_doc_file_reads_exactly_as_its_docx(docx_and_doc):
    docx, doc = docx_and_doc
    from_doc = read_report(doc)

    assert same_report(from_doc, read_report(docx)) == []
    assert figure_mismatches(from_doc.figures, REPORT.figures()) == [] and from_doc.uncertain == []


def test_a_wps_file_reads_exactly_as_its_docx(docx_and_doc, tmp_path):
    docx, doc = docx_and_doc
    wps = tmp_path / "年报.wps"
    wps.write_bytes(doc.read_bytes())

    assert same_report(read_report(wps), read_report(docx)) == []


def test_a_doc_that_stalls_libreoffice_is_stopped_at_the_time_limit_and_nothing_is_left_running(docx_and_doc):
    """No file is known to hang every LibreOffice build, so a time limit shorter than any conversion
    stands in for one: the real soffice process is started, stopped and reaped."""
    _, doc = docx_and_doc
    with pytest.raises(UnreadableReport) as error:
        read_legacy_word(doc.read_bytes(), "卡住的年报.doc", timeout=0.3)

    assert "卡住的年报.doc" in error.value.message and "秒内未能转换" in error.value.message
    still = subprocess.run(["pgrep", "-f", "nianbao-soffice-"], capture_output=True, text=True)
    assert still.stdout.strip() == ""


def test_a_truncated_doc_is_one_line_naming_it_and_a_non_zero_exit(docx_and_doc, tmp_path, capsys):
    _, doc = docx_and_doc
    damaged = tmp_path / "损坏的年报.doc"
    damaged.write_bytes(doc.read_bytes()[: doc.stat().st_size // 2])

    assert main(["extract", str(damaged)]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "损坏的年报.doc" in err and "已损坏" in err


def test_a_doc_whose_header_is_garbage_is_refused_before_libreoffice_reads_it_as_text(tmp_path):
    garbage = tmp_path / "乱码.wps"
    garbage.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 40)

    with pytest.raises(UnreadableReport) as error:
        read_report(garbage)
    assert "乱码.wps" in error.value.message and "文件头已损坏" in error.value.message


@pytest.mark.parametrize(("name", "says"), [("年报.ofd", "OFD"), ("年报.xlsx", "Excel"), ("年报.xls", "Excel")])
def test_formats_not_read_yet_are_refused_by_name(tmp_path, name, says):
    path = tmp_path / name
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)

    with pytest.raises(UnreadableReport) as error:
        read_report(path)
    assert name in error.value.message and says in error.value.message and "暂不支持" in error.value.message
