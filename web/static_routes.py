"""Files the tool ships, served from a folder by name: `/static/pix.css` (the one style sheet) and
`/static/outil/{name}` (the tool's scripts: the CSP allows no inline ones) here, and `shipped_file()` for every
other such route (the pupil's script, the bank's media)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from fastapi import APIRouter
from starlette.responses import FileResponse, Response

from web import params

router = APIRouter()
STATIC_ROOT = Path(__file__).resolve().parent / "static"  # the pages' files (CSS, scripts, icons)
STATIC_DIR = (STATIC_ROOT / "outil").resolve()
STATIC_CACHE = {"cache-control": "public, max-age=3600"}


def shipped_file(folder: Path, name: str, headers: Mapping[str, str] = STATIC_CACHE) -> Response:
    """The file `name` directly inside `folder` (a resolved path), or a 404: names go through the typed
    file-name parser first, so NUL bytes, over-long names and `..` never reach the file system."""
    candidate = (folder / name).resolve() if params.file_name(name) else None
    if candidate is None or candidate.parent != folder or not candidate.is_file():
        return Response("Fichier introuvable.", status_code=404, media_type="text/plain; charset=utf-8")
    return FileResponse(candidate, headers=dict(headers))


@router.get("/static/pix.css")
async def style_sheet() -> Response:
    """The product's one style sheet (docs/design.md)."""
    return shipped_file(STATIC_ROOT.resolve(), "pix.css")


@router.get("/static/outil/{name}")
async def static(name: str) -> Response:
    return shipped_file(STATIC_DIR, name)
