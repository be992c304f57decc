"""Who is asking: the signed session (cookie-less `?lt=` token first, cookie second), the per-session CSRF
token of forms, and the `lt` propagation that keeps the flow working when third-party cookies are blocked."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from starlette.datastructures import FormData
from starlette.requests import Request

from web import params
from web.errors import RELAUNCH, LaunchRefused
from web.tokens import SessionData

SESSION_COOKIE = "pix_lti_session"
CSRF_FIELD = "csrf"
MAX_FORM_BYTES = 64 * 1024
_NO_SESSION = LaunchRefused(401, "Votre session est absente ou a expiré.", RELAUNCH, "no_session")
_PLATFORM_DISABLED = LaunchRefused(
    401, "La plateforme qui vous a ouvert cette page n'est plus autorisée à utiliser l'outil : votre session est "
    "terminée.", "Vos réponses déjà enregistrées sont conservées. Adressez-vous à l'administrateur de votre "
    "plateforme ou de votre établissement.", "platform_disabled",
)
_FORGED = LaunchRefused(
    403, "Ce formulaire n'a pas été envoyé depuis une page de l'outil.",
    "Revenez à la page précédente, rechargez-la, puis recommencez.", "csrf",
)


# Sessions that can be ended before they expire (single logout from the ENT): their launch id has one of these
# prefixes, and an ended one is listed in the store under ENDED_SESSION_KEY + launch id. Other sessions skip
# the lookup.
ENDABLE_SESSION_PREFIXES = ("gar:",)
ENDED_SESSION_KEY = "session:ended:"


def session_data(request: Request) -> SessionData:
    """The cookie-less launch token (?lt=) wins: it is bound to this launch; the cookie is the fallback."""
    state = request.app.state.tool
    data = state.codec.loads(request.query_params.get("lt"), state.settings.launch_token_max_age_seconds)
    if data is None:
        data = state.codec.loads(request.cookies.get(SESSION_COOKIE), state.settings.session_max_age_seconds)
    if data is None or session_ended(request, data):
        raise _NO_SESSION
    require_enabled_platform(request, data)
    return data


def require_enabled_platform(request: Request, data: SessionData) -> None:
    """A session of an LTI platform disabled (or deleted) since the launch is over: a readable 401 page."""
    if data.platform is not None and \
            request.app.state.tool.platform_generation(data.platform) != data.platform_generation:
        raise _PLATFORM_DISABLED


def session_ended(request: Request, data: SessionData) -> bool:
    if not data.launch_id.startswith(ENDABLE_SESSION_PREFIXES):
        return False
    return request.app.state.tool.store.get_sync(ENDED_SESSION_KEY + data.launch_id) is not None


async def end_session(request: Request, launch_id: str) -> None:
    """Refuse this session's token from now on (until it would have expired anyway)."""
    state = request.app.state.tool
    await state.store.set(ENDED_SESSION_KEY + launch_id, "1", state.settings.session_max_age_seconds)


def csrf_token(request: Request, data: SessionData) -> str:
    return request.app.state.tool.codec.csrf_token(data)


def link(request: Request, path: str, **params: str) -> str:
    """A URL of the tool carrying the request's `lt` token, when it came with one."""
    lt = request.query_params.get("lt")
    query = {**params, **({"lt": lt} if lt else {})}
    return f"{path}?{urlencode(query)}" if query else path


def _same_origin(request: Request, origin: str) -> bool:
    own = {f"{request.url.scheme}://{request.url.netloc}"}
    base = urlsplit(request.app.state.tool.settings.base_url)
    own.add(f"{base.scheme}://{base.netloc}")
    return origin in own


async def checked_form(request: Request, data: SessionData) -> FormData:
    """The form of a POST from the tool's own pages: CSRF token, then Origin / Sec-Fetch-Site when sent."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        raise _FORGED
    origin = request.headers.get("origin")
    if origin and origin != "null" and not _same_origin(request, origin):
        raise _FORGED
    if int(request.headers.get("content-length") or 0) > MAX_FORM_BYTES:
        raise LaunchRefused(413, "Le formulaire envoyé est trop volumineux.", "Raccourcissez votre réponse.",
                            "form_too_large")
    try:
        form = await request.form(max_files=0, max_fields=64)
    except Exception as exc:  # malformed body: a refusal, never a 5xx
        raise LaunchRefused(400, "Le formulaire reçu est illisible.", "Rechargez la page.", "bad_form") from exc
    if not params.same_secret(csrf_token(request, data), form.get(CSRF_FIELD)):
        raise _FORGED
    return form
