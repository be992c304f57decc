"""`/static/outil/{name}`: the tool's own style sheet and scripts (the CSP allows no inline ones)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from starlette.responses import FileResponse, Response

from lti_tool.web import params

router = APIRouter()
STATIC_DIR = (Path(__file__).resolve().parents[1] / "static" / "outil").resolve()


@router.get("/static/outil/{name}")
async def static(name: str) -> Response:
    candidate = (STATIC_DIR / name).resolve() if params.file_name(name) else None
    if candidate is None or candidate.parent != STATIC_DIR or not candidate.is_file():
        return Response("Fichier introuvable.", status_code=404, media_type="text/plain; charset=utf-8")
    return FileResponse(candidate, headers={"cache-control": "public, max-age=3600"})
