"""One ASGI app: the REST API, the widget script, the staff workspace and the citizens' chat."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import gradio as gr
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from ui.api import api_router
from ui.chat import CSS as CHAT_CSS
from ui.chat import chat_blocks
from ui.limits import RateLimiter
from ui.staff import CSS as STAFF_CSS
from ui.staff import staff_blocks
from vectorstore.chroma_index import VectorStoreUnavailable
from vectorstore.figure_store import StoreUnavailable

WIDGET = Path(__file__).resolve().parent / "widget.js"


def create_app(container) -> FastAPI:
    app = FastAPI(title="年报问答 nianbao API", description="政府信息公开工作年度报告问答接口", version="0.1.0")
    allowed = {origin.rstrip("/") for origin in container.settings.allowed_origins}
    limiter = RateLimiter(container.settings.rate_limit_per_minute)

    @app.exception_handler(StoreUnavailable)
    @app.exception_handler(VectorStoreUnavailable)
    async def unavailable(_request: Request, error: Exception) -> JSONResponse:
        return JSONResponse({"error": "服务暂时不可用，请稍后再试 / temporarily unavailable, please retry"},
                            status_code=503, headers={"Retry-After": "5"})

    @app.middleware("http")
    async def origins(request: Request, call_next):
        origin = request.headers.get("origin")
        cross_site = origin and not _same_origin(origin, request) and request.url.path.startswith("/api/")
        if cross_site and origin.rstrip("/") not in allowed:
            return JSONResponse({"error": f"来源 {origin} 不在允许嵌入的网站列表中 / origin not allowed"},
                                status_code=403)
        if request.url.path in ("/api/ask", "/api/search") and not limiter.allow(_client(request)):
            return JSONResponse({"error": "提问太频繁，请稍后再试 / too many requests"}, status_code=429,
                                headers={"Retry-After": "60"})
        if cross_site and request.method == "OPTIONS":
            response: Response = Response(status_code=204)
        else:
            response = await call_next(request)
        if cross_site:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept, Authorization"
            response.headers["Vary"] = "Origin"
        ancestors = " ".join(["'self'", *sorted(allowed)])
        response.headers["Content-Security-Policy"] = f"frame-ancestors {ancestors}"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    app.include_router(api_router(container))

    @app.get("/widget.js", include_in_schema=False)
    def widget() -> FileResponse:
        return FileResponse(WIDGET, media_type="application/javascript; charset=utf-8")

    app = gr.mount_gradio_app(app, staff_blocks(container), path="/staff", css=STAFF_CSS)
    return gr.mount_gradio_app(app, chat_blocks(container), path="", css=CHAT_CSS)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _same_origin(origin: str, request: Request) -> bool:
    parsed = urlparse(origin)
    return parsed.netloc == request.headers.get("host", "")
