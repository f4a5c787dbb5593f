"""The REST API: the same JSON shapes as the CLI contracts, streaming answers over SSE."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from typing import Literal

from fastapi import APIRouter, Depends, File, Header, HTTPException, Path, Query, Request, UploadFile
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, Field

from qa.answerer import Turn
from qa.model import Answer
from qa.search import FIRST_YEAR, LAST_YEAR, SearchRequest, hit_json, year_span
from ui.exports import figure_rows, to_csv, to_xlsx

MAX_QUESTION_CHARS = 10_000
MAX_NAME_CHARS = 100
"""Agency and region names: the longest real ones are about 30 characters."""
MAX_LIST_ITEMS = 50
Name = Query(None, max_length=MAX_NAME_CHARS)


class HistoryTurn(BaseModel):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=MAX_QUESTION_CHARS)


class AskBody(BaseModel):
    question: str = Field(max_length=MAX_QUESTION_CHARS)
    agency: str | None = Field(None, max_length=MAX_NAME_CHARS)
    region: str | None = Field(None, max_length=MAX_NAME_CHARS)
    history: list[HistoryTurn] = Field(default_factory=list, max_length=20)


def parse_years(text: str | None) -> tuple[int, int] | None:
    """`2023` or `2019-2023`, within the years reports can cover; a clear 422 otherwise."""
    try:
        return year_span(text)
    except ValueError as error:
        raise HTTPException(status_code=422, detail=f"{error} / years must look like 2023 or 2019-2023") from None


def api_router(container) -> APIRouter:
    router = APIRouter(prefix="/api")

    def require_admin(authorization: str | None = Header(default=None)) -> None:
        token = container.settings.admin_token
        offered = (authorization or "").removeprefix("Bearer ").strip()
        if not token or not secrets.compare_digest(offered.encode(), token.encode()):
            raise HTTPException(status_code=401, detail="需要管理员令牌 / admin token required")

    @router.post("/ask")
    def ask(body: AskBody, request: Request, stream: bool = False):
        history = [Turn(turn.role, turn.content) for turn in body.history]
        wants_stream = stream or "text/event-stream" in request.headers.get("accept", "")
        if not wants_stream:
            return container.answerer.ask(body.question, body.agency, history, body.region).json()
        pieces = container.answerer.stream(body.question, body.agency, history, body.region)
        return StreamingResponse(_events(pieces), media_type="text/event-stream")

    @router.get("/search")
    def search(q: str = Query(min_length=1, max_length=500), agency: str | None = Name, region: str | None = Name,
               year: int | None = Query(None, ge=FIRST_YEAR, le=LAST_YEAR),
               years: str | None = Query(None, max_length=20), section: int | None = Query(None, ge=1, le=6),
               top_k: int = Query(5, ge=1, le=50), mode: str = Query("hybrid", pattern="^(hybrid|dense|bm25)$")):
        year_from, year_to = parse_years(years) or (year, year)
        request = SearchRequest(query=q, agency=agency, region=region, year_from=year_from, year_to=year_to,
                                section=section, top_k=top_k, mode=mode)
        return {"results": [hit_json(hit) for hit in container.search.search(request)]}

    @router.get("/reports")
    def reports():
        return {"reports": container.catalog.reports()}

    @router.get("/reports/{report_id}")
    def report(report_id: str = Path(max_length=64)):
        found = container.catalog.report(report_id)
        if found is None:
            raise HTTPException(status_code=404, detail="没有这份年报 / no such report")
        return found

    @router.post("/reports", dependencies=[Depends(require_admin)])
    async def upload(files: list[UploadFile] = File(...)):
        """Each file becomes an ingestion job; the reply names the jobs at once (`GET /api/jobs/{id}`)."""
        limit = container.settings.max_file_bytes
        results = []
        for upload in files:
            data = await upload.read(limit + 1)
            if len(data) > limit:
                results.append({"file": upload.filename, "status": "failed", "reason": "文件过大 / file too large"})
                continue
            results.append(container.uploads.submit(upload.filename or "upload.txt", data))
        return {"results": results}

    @router.get("/jobs/{job_id}")
    def job(job_id: str = Path(pattern="^[0-9a-f]{32}$")):
        """An upload's job: queued, running (with its stage), done (with the outcome) or failed (why).
        Job ids are random (128 bits): whoever holds one uploaded the file or was given it."""
        found = container.uploads.state(job_id)
        if found is None:
            raise HTTPException(status_code=404, detail="没有这个任务 / no such job")
        return found

    @router.delete("/reports/{report_id}", dependencies=[Depends(require_admin)])
    def remove(report_id: str = Path(max_length=64)):
        found = [r for r in container.figure_store.find(report_id) if r.status == "complete"]
        if len(found) != 1:
            raise HTTPException(status_code=404, detail="没有这份年报 / no such report")
        container.indexer.remove(found[0])
        return {"removed": found[0].id}

    def figure_rows_for(figure: str, agency: list[str], years: str | None, column: list[str]) -> list[dict]:
        if figure not in dict((name, label) for label, name in container.catalog.figure_names()):
            raise HTTPException(status_code=400, detail="未知的数字名称 / unknown figure")
        if len(agency) > MAX_LIST_ITEMS or len(column) > MAX_LIST_ITEMS or any(
                len(name) > MAX_NAME_CHARS for name in [*agency, *column]):
            raise HTTPException(status_code=422, detail="单位或列过多、过长 / too many or too long names")
        span = parse_years(years)
        year_list = list(range(span[0], span[1] + 1)) if span else []
        return container.catalog.figures(figure, agency or None, year_list, column or None)

    @router.get("/figures")
    def figures(figure: str = Query(max_length=64), agency: list[str] = Query(default=[]),
                years: str | None = Query(None, max_length=20), column: list[str] = Query(default=[])):
        return {"figures": figure_rows_for(figure, agency, years, column)}

    @router.get("/figures/export")
    def export(figure: str = Query(max_length=64), agency: list[str] = Query(default=[]),
               years: str | None = Query(None, max_length=20), format: Literal["csv", "xlsx"] = "csv"):
        rows = figure_rows(figure_rows_for(figure, agency, years, []))
        label = dict((name, label) for label, name in container.catalog.figure_names())[figure]
        header = ["发布机关", "年度", label, "单位"]
        if format == "csv":
            return Response(to_csv(header, rows), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": 'attachment; filename="figures.csv"'})
        return Response(to_xlsx(header, rows), headers={"Content-Disposition": 'attachment; filename="figures.xlsx"'},
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    @router.get("/checks")
    def checks():
        return {"checks": container.catalog.failing_checks(),
                "cross_year": [c for c in container.catalog.cross_year_checks() if c["status"] == "fail"]}

    @router.get("/health")
    def health():
        return {"status": "ok", "reports": len(container.figure_store.reports())}

    return router


def _events(pieces: Iterator[str | Answer | None]) -> Iterator[str]:
    for piece in pieces:
        if piece is None:
            yield _event("reset", {})
        elif isinstance(piece, Answer):
            yield _event("answer", piece.json())
        else:
            yield _event("delta", {"text": piece})


def _event(name: str, data: dict) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
