"""Release 0.1 kept BM25 postings in files, `<data_dir>/bm25/<model>/<report_id>.json`; the first
start of a newer release moves them into the shared tables, once, and keeps the files aside."""

from __future__ import annotations

import json
from pathlib import Path

from vectorstore.lexical import LexicalIndex
from vectorstore.model import Chunk

IMPORTED = "bm25.imported"


def import_lexical_files(data_dir: Path, lexical: LexicalIndex, complete: set[str]) -> int:
    """Import the files of complete reports (one model's copy each: chunking does not depend on the
    model); returns how many reports were imported. The folder is then renamed to `bm25.imported`,
    so that it is not read again and can be deleted once the upgrade has been checked."""
    folder = data_dir / "bm25"
    if not folder.is_dir():
        return 0
    present = lexical.report_ids()
    imported = 0
    for path in sorted(folder.glob("*/*.json")):
        if path.stem not in complete or path.stem in present:
            continue
        entries = json.loads(path.read_text(encoding="utf-8"))
        lexical.add_tokenised(path.stem, [(Chunk.from_metadata(e["id"], e["text"], e["meta"]), e["tokens"])
                                          for e in entries])
        present.add(path.stem)
        imported += 1
    folder.rename(data_dir / IMPORTED)
    return imported
