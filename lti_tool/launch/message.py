"""A validated launch message, reduced to what the rest of the tool needs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class LaunchMessage:
    launch_id: str
    registration_id: int
    issuer: str
    client_id: str
    deployment_id: str
    message_type: str
    sub: str
    role: str
    name: str | None
    given_name: str | None
    family_name: str | None
    context_id: str | None
    context_label: str | None
    context_title: str | None
    resource_link_id: str | None
    resource_link_title: str | None
    resource_link_description: str | None
    custom: dict[str, str] = field(default_factory=dict)
    deep_link_return_url: str | None = None
    claims: dict[str, Any] = field(default_factory=dict)
