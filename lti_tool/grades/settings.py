"""Delivery settings of the grades worker, read from the environment (prefix ``PIX_LTI_GRADES_``)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class GradesSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PIX_LTI_GRADES_", extra="ignore")

    max_attempts: int = 10  # then the item is a dead letter, visible and retryable by an admin
    backoff_base_seconds: float = 5.0
    backoff_cap_seconds: float = 3600.0
    retry_after_cap_seconds: float = 6 * 3600.0
    lease_seconds: float = 120.0  # a claimed item whose worker died is picked up again after this
    batch_size: int = 200
    concurrency: int = 32
    poll_seconds: float = 1.0
    # on SIGTERM, deliveries in flight get this long to finish; the others are cancelled and put back to pending
    # (due now), so the worker stops within about this delay whatever the platforms' timeouts
    stop_grace_seconds: float = 1.0
    request_timeout_seconds: float = 10.0  # total deadline of one outbound call
    token_margin_seconds: int = 60  # a cached access token is dropped this long before it expires
    max_roster_pages: int = 200
    # hosts, besides the platform's issuer and token endpoint hosts, that may receive its token ("host *.domain")
    service_hosts: str = ""

    @property
    def service_host_patterns(self) -> tuple[str, ...]:
        return tuple(self.service_hosts.lower().replace(",", " ").split())
