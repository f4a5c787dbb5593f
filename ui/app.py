"""One ASGI app: the REST API, the widget script, the staff workspace and the citizens' chat."""

from __future__ import annotations

from pathlib import Path

import gradio as gr
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse

from ui.api import api_router
from ui.chat import CSS as CHAT_CSS
from ui.chat import chat_blocks
from ui.guard import Guard, GuardPolicy
from ui.limits import ClientAddresses, RateLimiter
from ui.staff import CSS as STAFF_CSS
from ui.staff import HEAD as STAFF_HEAD
from ui.staff import staff_blocks
from vectorstore.chroma_index import VectorStoreUnavailable
from vectorstore.figure_store import StoreUnavailable

WIDGET = Path(__file__).resolve().parent / "widget.js"
MAX_ERROR_CHARS = 200


def create_app(container) -> Guard:
    settings = container.settings
    app = FastAPI(title="年报问答 nianbao API", description="政府信息公开工作年度报告问答接口", version="0.1.0")

    @app.exception_handler(StoreUnavailable)
    @app.exception_handler(VectorStoreUnavailable)
    async def unavailable(_request: Request, error: Exception) -> JSONResponse:
        return JSONResponse({"error": "服务暂时不可用，请稍后再试 / temporarily unavailable, please retry"},
                            status_code=503, headers={"Retry-After": "5"})

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
        # Name what is wrong, never echo the input back: it may be megabytes, or someone else's script.
        problems = [{"loc": [str(part) for part in problem.get("loc", ())][:6],
                     "msg": str(problem.get("msg", ""))[:MAX_ERROR_CHARS]} for problem in error.errors()[:10]]
        return JSONResponse({"error": "请求参数不正确 / invalid request", "detail": problems}, status_code=422)

    app.include_router(api_router(container))

    @app.api_route("/widget.js", methods=["GET", "HEAD"], include_in_schema=False)
    def widget() -> FileResponse:
        return FileResponse(WIDGET, media_type="application/javascript; charset=utf-8")

    @app.api_route("/staff", methods=["GET", "HEAD"], include_in_schema=False)
    def staff_without_slash() -> RedirectResponse:
        return RedirectResponse("/staff/", status_code=308)

    _mount(app, staff_blocks(container), "/staff", css=STAFF_CSS, head=STAFF_HEAD)
    _mount(app, chat_blocks(container), "", css=CHAT_CSS)

    policy = GuardPolicy(
        allowed_hosts=frozenset(settings.allowed_hosts),
        allowed_origins=frozenset(origin.rstrip("/") for origin in settings.allowed_origins),
        admin_token=settings.admin_token,
        max_body_bytes=settings.max_request_kb * 1024,
        max_upload_bytes=settings.max_file_bytes,
        body_timeout_seconds=settings.header_timeout_seconds,
    )
    return Guard(app, policy, RateLimiter(settings.rate_limit_per_minute), ClientAddresses(settings.trusted_proxies))


def _mount(app: FastAPI, blocks: gr.Blocks, path: str, **options) -> None:
    gr.mount_gradio_app(app, blocks, path=path, footer_links=[], run_history=False, show_error=False,
                        allowed_paths=[], **options)
    # Gradio applies its own file-access rules (inputs only from its upload folder, outputs only from
    # allowed places) only to apps it has launched itself; mounted apps are never launched, so it would
    # copy any path a request names into its public cache. A mounted app is running for real: say so.
    blocks.has_launched = True
