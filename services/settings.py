"""Settings, read once from the environment (prefix KIPINA_) or a `.env` file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The name the local actor of single-user mode is registered with unless one is configured.
DEFAULT_LOCAL_ACTOR_NAME = "Local user"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KIPINA_", env_file=".env", extra="ignore")

    database_url: str | None = Field(
        default=None,
        description="postgresql://user:password@host:port/dbname; unset = SQLite files in data_dir",
    )
    data_dir: Path = Field(default=Path("./data"), description="Where the SQLite files live")
    host: str = Field(default="127.0.0.1", description="Address the server listens on")
    port: int = Field(default=8000, ge=0, le=65535, description="Port (0 = let the OS pick)")
    log_format: Literal["console", "json"] = Field(
        default="console", description="console for people, json for log collectors"
    )
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    actor_header: str | None = Field(
        default=None,
        description="Trusted reverse-proxy mode: the header that names the signed-in user. "
        "Unset = single-user mode with a local default actor.",
    )
    local_actor_name: str = Field(
        default=DEFAULT_LOCAL_ACTOR_NAME, description="Name of the default actor in single-user mode"
    )
    timezone: str = Field(
        default="Europe/Helsinki",
        description="IANA time zone the web pages show times in and read as-of dates in",
    )
    idempotency_keep_hours: float = Field(
        default=24,
        gt=0,
        le=24 * 30,
        description="How long the response to a request with an Idempotency-Key is kept for retries",
    )
    readyz_max_lag: int = Field(
        default=1000, ge=0, description="/readyz fails when read models lag more events than this"
    )
    projection_retry_seconds: float = Field(
        default=60.0,
        gt=0,
        description="After an event could not be applied to the read models, try it again "
        "at most this often (a transient failure heals; the views stay as of before it meanwhile)",
    )
    # ---- the HTTP edge (api/http_guard.py); README "Deployment notes" says what a proxy adds
    public_url: str | None = Field(
        default=None,
        description="The address people open Kipinä at, e.g. https://kipina.example.fi; its host "
        "name is allowed in the Host header",
    )
    allowed_hosts: str = Field(
        default="",
        description="More host names the server answers to, comma-separated (the loopback names, "
        "KIPINA_HOST and KIPINA_PUBLIC_URL's host always are); * = any, only behind a proxy "
        "that checks Host itself",
    )
    max_body_bytes: int = Field(
        default=1 << 20, ge=1024, description="Largest request body (bytes); larger ones get 413"
    )
    max_import_bytes: int = Field(
        default=20 << 20, ge=1024, description="Largest body for the CSV imports (bytes)"
    )
    max_url_bytes: int = Field(
        default=8192, ge=256, description="Longest request target, path and query (bytes); longer get 414"
    )
    max_header_bytes: int = Field(
        default=16384, ge=1024, description="Largest total of the request's headers (bytes); larger get 431"
    )
    header_timeout: float = Field(
        default=10, gt=0, description="Seconds a client has to send a request's line and headers"
    )
    body_timeout: float = Field(
        default=60, gt=0, description="Seconds a client has to send a request's whole body; then 408"
    )
    keep_alive_timeout: int = Field(
        default=5, ge=1, description="Seconds an idle keep-alive connection is kept open"
    )
    max_connections: int = Field(
        default=1000, ge=1, description="Open connections at most; beyond it requests get 503"
    )

    @field_validator("database_url")
    @classmethod
    def _postgres_only(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not value.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
            raise ValueError("must be a postgresql:// URL (leave it unset for SQLite)")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone such as Europe/Helsinki") from None
        return value

    @field_validator("actor_header")
    @classmethod
    def _header_name(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not all(ch.isalnum() or ch == "-" for ch in value):
            raise ValueError("must be an HTTP header name such as X-Remote-User")
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http:// or https:// URL such as https://kipina.example.fi")
        return value

    def host_names(self) -> frozenset[str] | None:
        """The names a request's Host may give (lower case, no port); None = any.

        Loopback always, so the server can be reached on its own machine; the listening
        address unless it is every address; the public URL's host; and the extra ones."""
        extra = {name.strip() for name in self.allowed_hosts.split(",")} - {""}
        if "*" in extra:
            return None
        names = {"localhost", "127.0.0.1", "[::1]", *extra}
        if self.host not in ("", "0.0.0.0", "::"):
            names.add(self.host)
        if self.public_url:
            names.add(urlsplit(self.public_url).hostname or "")
        return frozenset(_host_name(name) for name in names) - {""}


def _host_name(name: str) -> str:
    """A host as the Host header gives it: lower case, no trailing dot, IPv6 in brackets."""
    name = name.strip().lower().rstrip(".")
    return f"[{name}]" if ":" in name and not name.startswith("[") else name


def settings_or_complaint(**overrides: Any) -> Settings | None:
    """Settings for a command-line entry point; on invalid settings, print the one
    line that says what is wrong and return None (the caller exits with status 2)."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        print(describe_error(error), file=sys.stderr)
        return None


def describe_error(error: Exception) -> str:
    """One line that says which setting is wrong and why."""
    if isinstance(error, ValidationError):
        parts = []
        for problem in error.errors():
            name = "KIPINA_" + "_".join(str(p) for p in problem["loc"]).upper()
            parts.append(f"{name}: {problem['msg']}")
        return "Invalid settings: " + "; ".join(parts)
    return f"Invalid settings: {error}"
