"""Everything the routes share, built once per process in the lifespan."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from lti_tool.launch.jwks_cache import JwksCache
from lti_tool.launch.tool_conf import DbToolConf
from lti_tool.settings import Settings
from lti_tool.store.base import ShortLivedStore
from lti_tool.web.registration_cache import RegistrationCache
from lti_tool.web.tokens import SessionCodec


@dataclass
class ToolState:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    store: ShortLivedStore
    http: httpx.AsyncClient
    jwks: JwksCache
    tool_conf: DbToolConf
    codec: SessionCodec
    registrations: RegistrationCache
