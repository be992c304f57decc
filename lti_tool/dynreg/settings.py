"""Dynamic registration settings, from the environment (prefix ``PIX_LTI_DYNREG_``).

``PIX_LTI_DYNREG_ENABLED=false`` turns `/lti/register` off (platforms are then added by an admin).
``PIX_LTI_DYNREG_ALLOWED_HOSTS="moodle.lycee.fr *.ac-academie.fr"`` limits which platforms may register (the host
of their configuration URL; ``*.`` matches sub-domains). Empty: any platform reachable over HTTPS.
``PIX_LTI_DYNREG_TOOL_NAME`` is the name the platform shows (default "Pix LTI (host)")."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class DynRegSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PIX_LTI_DYNREG_", extra="ignore")

    enabled: bool = True
    allowed_hosts: str = ""
    tool_name: str = ""  # the name platforms show; empty: "Pix LTI (host of PIX_LTI_BASE_URL)"

    def allows(self, host: str) -> bool:
        patterns = self.allowed_hosts.lower().split()
        if not patterns:
            return True
        host = host.lower()
        return any(host == p or (p.startswith("*.") and host.endswith(p[1:])) for p in patterns)
