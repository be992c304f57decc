"""Dynamic registration settings, from the environment (prefix ``PIX_LTI_DYNREG_``).

``PIX_LTI_DYNREG_ENABLED=false`` turns `/lti/register` off (platforms are then added by an admin).
``PIX_LTI_DYNREG_ALLOWED_HOSTS="moodle.lycee.fr *.ac-academie.fr"`` lists the platforms that may register (the host
of their configuration URL; ``*.`` matches sub-domains). Any other host — every host when the list is empty — must
first be approved by an administrator: its attempt is recorded as a pending request (admin area, Plateformes, or
``pix-lti registration hosts`` / ``host-approve HOST``), and nothing is fetched from it until then.
``PIX_LTI_DYNREG_ALLOW_PRIVATE_ADDRESSES=true`` lets the tool fetch from loopback or private addresses (a platform
on the same network); by default only public addresses are contacted, checked on what the name resolves to.
``PIX_LTI_DYNREG_TOOL_NAME`` is the name the platform shows (default "Pix LTI (host)")."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class DynRegSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PIX_LTI_DYNREG_", extra="ignore")

    enabled: bool = True
    allowed_hosts: str = ""
    allow_private_addresses: bool = False
    tool_name: str = ""  # the name platforms show; empty: "Pix LTI (host of PIX_LTI_BASE_URL)"

    def allows(self, host: str) -> bool:
        """On the allow-list (an empty list allows no host without an administrator's approval)."""
        patterns = self.allowed_hosts.lower().replace(",", " ").split()
        host = host.lower()
        return any(host == p or (p.startswith("*.") and host.endswith(p[1:])) for p in patterns)
