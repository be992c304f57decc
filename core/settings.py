"""Configuration of the LTI tool, read from the environment (prefix ``PIX_LTI_``)."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PIX_LTI_", extra="ignore")

    database_url: str = "sqlite:///./var/pix-lti.sqlite3"
    redis_url: str | None = None
    base_url: str = "http://127.0.0.1:8000"
    session_secret: str | None = None
    clock_leeway_seconds: int = 60
    state_ttl_seconds: int = 600
    nonce_ttl_seconds: int = 3600
    launch_ttl_seconds: int = 3600
    session_max_age_seconds: int = 8 * 3600
    launch_token_max_age_seconds: int = 2 * 3600
    jwks_cache_seconds: int = 3600
    jwks_refetch_interval_seconds: int = 10
    http_timeout_seconds: float = 5.0
    key_grace_seconds: int = 7 * 24 * 3600
    registration_cache_seconds: float = 5.0
    # hosts (besides the registration's own) a deep-linking response may be posted to: "host *.domain"
    deep_link_return_hosts: str = ""
    # Retry-After (seconds) of the 503 page when PostgreSQL or Redis is unreachable
    outage_retry_after_seconds: int = 30
    # request body caps, enforced while the body streams (413 above them)
    max_form_bytes: int = 64 * 1024
    max_launch_bytes: int = 128 * 1024
    max_saml_bytes: int = 512 * 1024
    max_upload_bytes: int = 2 * 1024 * 1024 + 64 * 1024
    # Threads for blocking work (database, pylti1p3) per worker process. A few are enough for short queries on a
    # nearby database, and fewer threads mean less GIL contention and no surplus of pooled connections
    # (measured: 4 threads serve 1.6 times the answers per second of anyio's default 40). 0 = anyio's default.
    thread_pool_size: int = 4
    # "Essayez sans inscription": attempts a client address may start per hour, and how long one is kept.
    quick_test_starts_per_hour: int = 10
    quick_test_ttl_seconds: int = 1800
    # Observability (docs/operations.md): who may read /metrics — these networks (space or comma separated) or
    # a bearer token (PIX_LTI_METRICS_TOKEN, or PIX_LTI_METRICS_TOKEN_FILE); anyone else gets a 404.
    metrics_allow: str = "127.0.0.1/32 ::1/128"
    metrics_token: str | None = None
    metrics_token_file: str | None = None
    # The reverse proxies in front of `serve` (addresses or networks, space or comma separated): only their
    # X-Forwarded-For / X-Forwarded-Proto and X-Request-ID are believed; from any other peer these headers are
    # ignored (a client cannot choose the address its rate limits count, nor pass for HTTPS, nor its request id).
    # Unset: uvicorn's FORWARDED_ALLOW_IPS, else loopback. Applied inside the app (pix_lti/app.py).
    trusted_proxies: str | None = None

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def launch_url(self) -> str:
        return self.base_url.rstrip("/") + "/lti/launch"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
