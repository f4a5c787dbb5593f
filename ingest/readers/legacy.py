"""Legacy Word (.doc) and WPS (.wps) files: converted to DOCX by LibreOffice headless, then read
by the DOCX reader, so their tables come out exactly as the same document saved as DOCX.

LibreOffice runs as a child process with a private, throw-away profile (a shared profile lets
one conversion block another, and keeps state between files), a time limit (a damaged file can
make it spin forever; the whole process group is killed) and a size limit on what it writes.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ingest.errors import UnreadableReport
from ingest.readers import RawDocument
from ingest.readers.docx import read_docx

SOFFICE = "soffice"
TIMEOUT_SECONDS = 120.0
MAX_CONVERTED_BYTES = 100 * 1024 * 1024
_NAMES = {".doc": "Word 97-2003（.doc）", ".wps": "WPS（.wps）"}


def read_legacy_word(data: bytes, path: str, timeout: float = TIMEOUT_SECONDS) -> RawDocument:
    suffix = Path(path).suffix.lower() if Path(path).suffix.lower() in _NAMES else ".doc"
    if not (_compound_file(data) or data.lstrip()[:5] == b"{\\rtf"):
        # LibreOffice would import anything else as plain text and return its bytes as a document.
        raise UnreadableReport(path, f"不是有效的 {_NAMES[suffix]} 文件（文件头已损坏）",
                               f"not a valid {suffix} file (its header is damaged)")
    executable = shutil.which(SOFFICE)
    if executable is None:
        raise UnreadableReport(
            path,
            f"读取 {_NAMES[suffix]} 文件需要 LibreOffice（apt-get install libreoffice-writer-nogui）",
            f"reading {suffix} files needs LibreOffice (apt-get install libreoffice-writer-nogui)",
        )
    with tempfile.TemporaryDirectory(prefix="nianbao-soffice-") as work:
        work_dir = Path(work)
        source = work_dir / f"document{suffix}"
        source.write_bytes(data)
        out_dir = work_dir / "out"
        profile = work_dir / "profile"
        command = [executable, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                   "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out_dir), str(source)]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True, env={**os.environ, "HOME": str(work_dir)})
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired as expired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise UnreadableReport(
                path,
                f"LibreOffice 在 {timeout:.0f} 秒内未能转换该文件（文件可能已损坏）",
                f"LibreOffice did not convert the file within {timeout:.0f} s (is it damaged?)",
            ) from expired
        converted = out_dir / "document.docx"
        if process.returncode != 0 or not converted.exists() or converted.stat().st_size == 0:
            raise UnreadableReport(
                path,
                f"{_NAMES[suffix]} 文件已损坏或无法转换",
                f"the {suffix} file is corrupt or cannot be converted (LibreOffice exit {process.returncode})",
            )
        if converted.stat().st_size > MAX_CONVERTED_BYTES:
            raise UnreadableReport(path, "转换后的文件过大", "the converted document is too large")
        return read_docx(converted.read_bytes(), path)


def _compound_file(data: bytes) -> bool:
    """An OLE compound file (Word 97-2003 and WPS Writer documents are): its signature, the
    little-endian byte-order mark and a 512- or 4096-byte sector size."""
    return (data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" and data[28:30] == b"\xfe\xff"
            and data[30:32] in (b"\x09\x00", b"\x0c\x00"))
