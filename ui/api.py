"""The REST API: the same JSON shapes as the CLI contracts, streaming answers over SSE."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator

from fastapi import APIRouter, Depends, File, Header, HTTPException, Query, Request, UploadFile
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from qa.answerer import Turn
from qa.model import Answer
from qa.search import SearchRequest, hit_json

MAX_QUESTION_CHARS = 10_000


class HistoryTurn(BaseModel):
    role: str
    content: str = Field(max_length=MAX_QUESTION_CHARS)


class AskBody(BaseModel):
    question: str = Field(max_length=MAX_QUESTION_CHARS)
    agency: str | None = None
    region: str | None = None
    history: list[HistoryTurn] = Field(default_factory=list, max_length=20)


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
    def search(q: str = Query(min_length=1, max_length=500), agency: str | None = None, region: str | None = None,
               year: int | None = None, years: str | None = None, section: int | None = None,
               top_k: int = Query(5, ge=1, le=50), mode: str = Query("hybrid", pattern="^(hybrid|dense|bm25)$")):
        year_from = year_to = year
        if years:
            first, _, last = years.partition("-")
            year_from, year_to = int(first), int(last or first)
        request = SearchRequest(query=q, agency=agency, region=region, year_from=year_from, year_to=year_to,
                                section=section, top_k=top_k, mode=mode)
        return {"results": [hit_json(hit) for hit in container.search.search(request)]}

    @router.get("/reports")
    def reports():
        return {"reports": container.catalog.reports()}

    @router.get("/reports/{report_id}")
    def report(report_id: str):
        found = container.catalog.report(report_id)
        if found is None:
            raise HTTPException(status_code=404, detail="没有这份年报 / no such report")
        return found

    @router.post("/reports", dependencies=[Depends(require_admin)])
    async def upload(files: list[UploadFile] = File(...)):
        limit = container.settings.max_file_bytes
        results = []
        for upload in files:
            data = await upload.read(limit + 1)
            if len(data) > limit:
                results.append({"file": upload.filename, "status": "failed", "reason": "文件过大 / file too large"})
                continue
            results.append(container.catalog.ingest_upload(upload.filename or "upload.txt", data))
        return {"results": results}

    @router.delete("/reports/{report_id}", dependencies=[Depends(require_admin)])
    def remove(report_id: str):
        found = [r for r in container.figure_store.find(report_id) if r.status == "complete"]
        if len(found) != 1:
            raise HTTPException(status_code=404, detail="没有这份年报 / no such report")
        container.indexer.remove(found[0])
        return {"removed": found[0].id}

    @router.get("/figures")
    def figures(figure: str, agency: list[str] = Query(default=[]), years: str | None = None,
                column: list[str] = Query(default=[])):
        if figure not in dict((name, label) for label, name in container.catalog.figure_names()):
            raise HTTPException(status_code=400, detail="未知的数字名称 / unknown figure")
        year_list = []
        if years:
            first, _, last = years.partition("-")
            year_list = list(range(int(first), int(last or first) + 1))
        return {"figures": container.catalog.figures(figure, agency or None, year_list, column or None)}

    @router.get("/checks")
    def checks():
        return {"checks": container.catalog.failing_checks()}

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
