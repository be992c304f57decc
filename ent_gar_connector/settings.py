"""GAR connector configuration, read from the environment (prefix ``PIX_LTI_GAR_``)."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

METADATA_PATH = "/gar/metadata"
LOGIN_PATH = "/gar/login"
ACS_PATH = "/gar/acs"
SLO_PATH = "/gar/slo"


class GarSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PIX_LTI_GAR_", extra="ignore")

    idp_metadata_file: Path | None = None
    idp_metadata_url: str | None = None
    idp_metadata_ttl_seconds: int = 3600
    idp_entity_id: str | None = None  # needed only when the metadata describes several identity providers
    sp_key_file: Path = Path("./var/gar/sp-key.pem")
    sp_cert_file: Path = Path("./var/gar/sp-cert.pem")
    want_response_signed: bool = False  # the GAR signs its assertions; a signed Response is verified when present
    request_ttl_seconds: int = 600
    # PIX_LTI_GAR_CLOCK_LEEWAY_SECONDS: accepted skew between the GAR's clock and ours, on every time of a
    # login or logout message (IssueInstant, NotBefore, NotOnOrAfter); ordinary drift is a minute or two.
    clock_leeway_seconds: int = 180
    max_response_bytes: int = 512_000
    # GAR profiles (PRO) allowed to upload their school's class list: heads of school by default; a deployment
    # may add the documentalist ("National_doc"), often the school's GAR referent
    roster_profiles: list[str] = ["National_dir"]
    reconciliation_attempts: int = 5
    reconciliation_window_seconds: int = 900
    xmlsec_binary: str | None = None


def sp_urls(base_url: str) -> tuple[str, str, str, str]:
    """(entityID = metadata URL, login URL, assertion consumer service URL, single logout service URL)."""
    base = base_url.rstrip("/")
    return base + METADATA_PATH, base + LOGIN_PATH, base + ACS_PATH, base + SLO_PATH
