"""The shared SQL database: an engine for the configured URL, brought to the newest schema by the
Alembic migrations (the only module importing alembic)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from vectorstore.figure_store import StoreUnavailable

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any constant: processes starting together take turns to migrate (PostgreSQL advisory lock).
_MIGRATION_LOCK = 724_617_013


def open_database(url: str) -> Engine:
    """An engine for `url`, its schema upgraded to the newest migration."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("postgresql"):
        try:
            import psycopg  # noqa: F401  (SQLAlchemy loads it by the URL; say what is missing first)
        except ImportError as missing:
            raise RuntimeError("未安装 psycopg / psycopg is not installed: pip install 'psycopg[binary]'") from missing
        # pool_pre_ping: a PostgreSQL restart must not leave dead connections in the pool.
        engine = create_engine(url, future=True, pool_pre_ping=True)
    else:
        engine = create_engine(url, future=True)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        upgrade(engine)
    except OperationalError as error:  # unreachable or locked: one line for the operator, not a traceback
        raise StoreUnavailable(f"数据库无法连接 / database unavailable ({engine.url.render_as_string()}): "
                               f"{str(error.orig).strip().splitlines()[0]}") from error
    return engine


def upgrade(engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def schema_revision(engine: Engine) -> str | None:
    if "alembic_version" not in inspect(engine).get_table_names():
        return None
    with engine.connect() as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
