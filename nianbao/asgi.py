"""The ASGI application for servers that import it by name (`nianbao serve --workers N`, or
uvicorn/gunicorn directly): each worker process builds its own container from the environment."""

from __future__ import annotations


def create_app():
    from nianbao.container import Container
    from nianbao.settings import Settings
    from ui.app import create_app as app_for

    return app_for(Container(Settings()))
