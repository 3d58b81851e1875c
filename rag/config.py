"""Settings: one pydantic-settings class, env prefix RAG_, built by get_settings()."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RAG_", extra="ignore")

    data_dir: Path = Field(Path("data"), description="Embedded Chroma folder.")
    chroma_url: str | None = Field(None, description="Chroma server URL; embedded if unset.")
    collection: str = Field("articles", description="Chroma collection name prefix.")
    model_dir: str | None = Field(None, description="sentence-transformers folder; bundled if unset.")
    embed_dtype: Literal["auto", "bf16", "fp32"] = Field(
        "auto", description="Embedding precision; auto = bf16 when the CPU has AMX or AVX512-BF16."
    )
    index_dir: Path | None = Field(None, description="This replica's lexical index folder; default under data_dir.")
    change_log_keep_h: float = Field(
        168.0, ge=1.0, description="Hours the change log keeps an entry; a replica stopped longer compares versions."
    )
    corpus_dir: Path = Field(Path("corpus"), description="Articles `rag serve` ingests at start.")
    chunk_size: int = Field(160, ge=32, le=2048, description="Passage size in tokens.")
    chunk_overlap: int = Field(24, ge=0, le=512)
    top_k: int = Field(5, ge=1, le=20, description="Passages handed to the answerer.")
    max_question_chars: int = Field(500, ge=10)
    max_upload_bytes: int = Field(1_000_000, ge=1_000, description="Largest upload body (413 above it).")
    max_document_chunks: int = Field(2_000, ge=1, description="Most passages one article may split into.")
    store_timeout_s: float = Field(5.0, gt=0, le=300, description="Longest wait for one Chroma server call.")
    api_key: str | None = Field(None, description="Bearer key for writing endpoints.")
    cors_origins: str = Field("", description="Comma-separated origins; CORS closed if empty.")
    answerer: Literal["extractive", "llm"] = Field("extractive", description="Default answerer; llm needs llm_url.")
    llm_url: str | None = Field(None, description="OpenAI-compatible base URL, e.g. http://127.0.0.1:8080/v1.")
    llm_model: str | None = Field(None, description="Model name; the server's first listed model if unset.")
    llm_api_key: str | None = Field(None, description="Bearer key for the LLM server, if it needs one.")
    llm_timeout_s: float = Field(60.0, gt=0, le=600, description="Give up on the LLM after this long.")
    llm_passages: int = Field(3, ge=1, le=20, description="Top passages put in the LLM's prompt.")
    llm_max_tokens: int = Field(200, ge=16, le=4096, description="Longest LLM reply, in tokens.")

    @property
    def index_path(self) -> Path:
        """The SQLite file of the lexical index: per replica, beside the store or in RAG_INDEX_DIR."""
        return (self.index_dir or self.data_dir / "index") / f"{self.collection}-lexical.sqlite3"

    @property
    def cors_origin_list(self) -> list[str]:
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]


def get_settings(**overrides: object) -> Settings:
    """Read RAG_* variables; keyword overrides win (tests, CLI options)."""
    return Settings(**overrides)  # type: ignore[arg-type]
