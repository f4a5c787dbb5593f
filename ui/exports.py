"""Figure tables as CSV and XLSX downloads (openpyxl is imported here only), safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet reads as the start of a formula (OWASP's list for CSV injection)."""


def figure_rows(rows: list[dict]) -> list[list]:
    """Explorer rows: agency, year, the value (or why there is none), unit. A value read across years
    is a value like a printed one; the rows' `state` and `cells` say how it was read."""
    return [[r["agency"], r["year"], r["value"] if r["state"] in ("printed", "read_across") else
             ("无法可靠读出" if r["state"] == "uncertain" else "未填报"), r["unit"]] for r in rows]


def inert_cell(value):
    """A CSV cell a spreadsheet shows as text: report titles and names come from documents anyone can publish."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([inert_cell(cell) for cell in header])
    writer.writerows([inert_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read the Chinese as UTF-8


def to_xlsx(header: list[str], rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in [header, *rows]:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":  # openpyxl takes any "=…" text for a formula: store it as text instead
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
