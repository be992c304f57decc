"""What only the LTI routes share, built once per process in the lifespan (by `pix_lti.app`): the platforms'
keys cache, pylti1p3's tool configuration and the registrations cache."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from lti_tool.launch.jwks_cache import JwksCache
from lti_tool.launch.tool_conf import DbToolConf
from lti_tool.routes.registration_cache import RegistrationCache


@dataclass
class LtiState:
    jwks: JwksCache
    tool_conf: DbToolConf
    registrations: RegistrationCache


def lti(request: Request) -> LtiState:
    return request.app.state.lti
