"""Everything the pages share, built once per process in the lifespan (by `pix_lti.app`), and `tool(request)` to
reach it. The LTI door keeps its own objects (JWKS cache, pylti1p3 tool configuration, registration cache) in
`lti_tool.routes.state`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx
from fastapi import Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from core.settings import Settings
from core.store.base import ShortLivedStore
from web.tokens import SessionCodec


@dataclass
class ToolState:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    store: ShortLivedStore
    http: httpx.AsyncClient
    codec: SessionCodec
    # the session generation of an enabled LTI platform (registration id), None when it is disabled or gone; the
    # LTI door gives it (`pix_lti.app`). The default knows no platform: every LTI session is refused (fail closed).
    platform_generation: Callable[[int], int | None] = lambda _registration_id: None


def tool(request: Request) -> ToolState:
    return request.app.state.tool
