"""Dynamic registration, start to end: configuration → checks → POST with the token → one transaction."""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from jose import jwt
from jose.exceptions import JOSEError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from core import audit
from core.store.base import ShortLivedStore
from lti_tool.dynreg.configuration import PlatformConfiguration, check_url, fetch_configuration
from lti_tool.dynreg.errors import RETRY_FROM_PLATFORM, RegistrationFailed
from lti_tool.dynreg.host_approvals import APPROVED, REFUSED, host_status, record_attempt
from lti_tool.dynreg.models import UsedRegistrationToken
from lti_tool.dynreg.payload import TOOL_CONFIGURATION, build_registration
from lti_tool.dynreg.settings import DynRegSettings
from lti_tool.dynreg.tool_profile import ToolUrls
from lti_tool.outbound import AddressRefused, Resolver, check_public_host, system_resolver
from lti_tool.registrations import add_registration

ACTOR = "enregistrement dynamique"
MAX_TOKEN_LENGTH = 8192
MAX_URL_LENGTH = 2048
IN_PROGRESS_SECONDS = 300
# Moodle's registration endpoint answers these plain-text messages (mod/lti/openid-registration.php).
KNOWN_REFUSALS = {
    "token_already_used": "le jeton d'enregistrement a déjà servi",
    "missing_registration_token": "le jeton d'enregistrement manque",
    "domain_targetlinkuri_mismatch": "le domaine déclaré ne correspond pas à l'adresse de lancement",
    "missing_domain": "le domaine de l'outil manque",
}


@dataclass(frozen=True)
class RegistrationOutcome:
    registration_id: int
    client_id: str
    deployment_id: str | None
    platform: PlatformConfiguration


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _refusal_message(response: httpx.Response) -> str:
    text = response.text.strip()
    if "html" in response.headers.get("content-type", ""):
        text = re.sub(r"<(script|style)[^>]*>.*?</\1>|<[^>]+>", " ", text, flags=re.S | re.I)
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        text = " — ".join(str(body[k]) for k in ("error", "error_description", "message") if body.get(k)) or text
    text = " ".join(text.split())[:300]
    known = KNOWN_REFUSALS.get(text)
    return f"{text} ({known})" if known else text or "(sans message)"


async def _post_registration(http: httpx.AsyncClient, platform: PlatformConfiguration, payload: dict[str, Any],
                             token: str | None) -> tuple[str, str | None]:
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        response = await http.post(platform.registration_endpoint, content=json.dumps(payload), headers=headers)
    except httpx.HTTPError as exc:
        raise RegistrationFailed(502, "platform_unreachable",
                                 "La plateforme n'a pas répondu à la demande d'enregistrement.",
                                 "Vérifiez dans la plateforme qu'aucun outil n'a été créé, puis recommencez.") from exc
    if response.status_code not in (200, 201):
        message = _refusal_message(response)
        if response.status_code == 401 or "token_already_used" in message:
            raise RegistrationFailed(409 if "already_used" in message else 401, "platform_token_refused",
                                     f"La plateforme a refusé le jeton d'enregistrement : {message}.",
                                     RETRY_FROM_PLATFORM, detail=message)
        raise RegistrationFailed(400, "platform_refused",
                                 f"La plateforme a refusé l'enregistrement ({response.status_code}) : {message}.",
                                 "Transmettez ce message au support de Pix LTI. " + RETRY_FROM_PLATFORM,
                                 detail=message)
    try:
        body = response.json()
    except ValueError:
        body = None
    client_id = body.get("client_id") if isinstance(body, dict) else None
    if not isinstance(client_id, str | int) or not str(client_id).strip():
        raise RegistrationFailed(502, "bad_platform_response",
                                 "La plateforme a accepté l'enregistrement mais n'a pas renvoyé d'identifiant client.",
                                 "Supprimez l'outil créé dans la plateforme s'il apparaît, puis recommencez.")
    block = body.get(TOOL_CONFIGURATION) if isinstance(body.get(TOOL_CONFIGURATION), dict) else {}
    deployment = block.get("deployment_id")
    deployment_id = str(deployment).strip() if isinstance(deployment, str | int) and str(deployment).strip() else None
    return str(client_id).strip(), deployment_id


def check_token_expiry(token: str, now: float | None = None) -> None:
    """Moodle's registration token is a JWT valid for a limited time: an expired one is refused here, clearly,
    rather than by the platform with an obscure error. Opaque tokens (other platforms) are left to the platform."""
    if token.count(".") != 2:
        return
    try:
        claims = jwt.get_unverified_claims(token)
    except (JOSEError, ValueError):
        return
    exp = claims.get("exp") if isinstance(claims, dict) else None
    now = time.time() if now is None else now
    if isinstance(exp, int | float) and exp < now - 60:
        raise RegistrationFailed(400, "token_expired", "Le jeton d'enregistrement a expiré (la page de la plateforme "
                                 "est restée ouverte trop longtemps).", RETRY_FROM_PLATFORM)


def _token_used(sessions: sessionmaker[Session], digest: str) -> bool:
    with sessions() as session:
        return session.get(UsedRegistrationToken, digest) is not None


def _save(sessions: sessionmaker[Session], platform: PlatformConfiguration, client_id: str,
          deployment_id: str | None, digest: str | None) -> int:
    """Registration, deployment, used token and audit entry: all in one transaction, or nothing."""
    with sessions() as session:
        try:
            view = add_registration(
                session, issuer=platform.issuer, client_id=client_id, auth_login_url=platform.authorization_endpoint,
                auth_token_url=platform.token_endpoint, keyset_url=platform.jwks_uri,
                deployment_ids=[deployment_id] if deployment_id else [], commit=False)
            if digest:
                session.add(UsedRegistrationToken(token_hash=digest, registration_id=view.id, issuer=platform.issuer))
            audit.record(session, ACTOR, "registration.dynamic", f"registration:{view.id}", issuer=platform.issuer,
                         client_id=client_id, deployment_id=deployment_id, product=platform.product_family_code,
                         version=platform.version)
            session.commit()
        except IntegrityError as exc:
            session.rollback()
            raise RegistrationFailed(409, "token_used", "Ce jeton d'enregistrement a déjà servi.",
                                     RETRY_FROM_PLATFORM) from exc
        return view.id


def _config_host(urls: ToolUrls, config_url: str | None) -> tuple[str, str]:
    """The configuration URL, trimmed, and its host; a 400 when it is missing or malformed."""
    config_url = (config_url or "").strip()
    if not config_url:
        raise RegistrationFailed(400, "missing_configuration",
                                 "L'adresse de configuration de la plateforme (openid_configuration) manque.",
                                 "Cette page s'ouvre depuis la plateforme : collez l'adresse d'enregistrement de "
                                 f"l'outil ({urls.registration_url}) dans l'écran de gestion des outils.")
    try:
        parts = urlsplit(config_url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 (a malformed port raises ValueError)
    except ValueError:
        host, parts = "", None
    if (parts is None or parts.scheme not in ("https", "http") or not host or len(config_url) > MAX_URL_LENGTH
            or len(host) > 253 or any(ord(c) <= 0x20 for c in config_url)):
        raise RegistrationFailed(400, "bad_configuration_url",
                                 "L'adresse de configuration de la plateforme (openid_configuration) est invalide.",
                                 RETRY_FROM_PLATFORM)
    return check_url(config_url, "l'adresse de configuration (openid_configuration)"), host


def _preflight(settings: DynRegSettings, urls: ToolUrls, config_url: str | None,
               token: str | None) -> tuple[str, str, str | None]:
    """Checks needing no network: enabled, configuration URL present and well formed, token sane and not expired."""
    if not settings.enabled:
        raise RegistrationFailed(403, "dynamic_registration_disabled",
                                 "L'enregistrement dynamique est désactivé sur ce serveur Pix LTI.",
                                 "Demandez à l'administrateur de Pix LTI d'ajouter la plateforme (configuration "
                                 "manuelle : pix-lti moodle-config).")
    config_url, host = _config_host(urls, config_url)
    token = (token or "").strip() or None
    if token and len(token) > MAX_TOKEN_LENGTH:
        raise RegistrationFailed(400, "bad_token", "Le jeton d'enregistrement est trop long.", RETRY_FROM_PLATFORM)
    if token:
        check_token_expiry(token)
    return config_url, host, token


def _admit_host(sessions: sessionmaker[Session], settings: DynRegSettings, host: str) -> None:
    """On the allow-list, or approved by an administrator; otherwise the attempt waits for approval."""
    if settings.allows(host):
        return
    with sessions() as session:
        status = host_status(session, host)
        if status == APPROVED:
            return
        if status != REFUSED:
            status = record_attempt(session, host)
    if status == REFUSED:
        raise RegistrationFailed(403, "platform_refused_by_admin",
                                 f"L'administrateur de Pix LTI n'a pas autorisé l'enregistrement de la plateforme "
                                 f"{host}.", "Contactez l'administrateur de Pix LTI.")
    raise RegistrationFailed(403, "platform_pending_approval",
                             f"La plateforme {host} doit d'abord être approuvée par l'administrateur de Pix LTI : "
                             "sa demande est enregistrée.",
                             "Demandez à l'administrateur de Pix LTI de l'approuver (administration, Plateformes, "
                             "ou pix-lti registration host-approve), puis recommencez l'enregistrement depuis la "
                             "plateforme.")


async def _check_address(settings: DynRegSettings, url: str, resolver: Resolver) -> None:
    parts = urlsplit(url)
    try:
        await check_public_host(parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80),
                                allow_private=settings.allow_private_addresses, resolver=resolver)
    except AddressRefused as exc:
        raise RegistrationFailed(403, "address_not_allowed",
                                 "Ce serveur Pix LTI ne contacte que des plateformes à une adresse publique.",
                                 "Si la plateforme est sur le réseau local, l'administrateur de Pix LTI peut "
                                 "l'autoriser (PIX_LTI_DYNREG_ALLOW_PRIVATE_ADDRESSES).") from exc


async def _claim_token(store: ShortLivedStore, sessions: sessionmaker[Session], digest: str) -> None:
    """Refuse a token already used with this tool, or being used right now by another request."""
    if await run_in_threadpool(_token_used, sessions, digest):
        raise RegistrationFailed(409, "token_used", "Ce jeton d'enregistrement a déjà servi : l'outil a déjà été "
                                 "enregistré avec lui.", "Si l'outil n'apparaît pas dans la plateforme, "
                                 + RETRY_FROM_PLATFORM[0].lower() + RETRY_FROM_PLATFORM[1:])
    if not await store.set_nx(f"dynreg:token:{digest}", "1", IN_PROGRESS_SECONDS):
        raise RegistrationFailed(409, "registration_in_progress", "Un enregistrement avec ce jeton est déjà en cours.",
                                 "Attendez quelques secondes et regardez la liste des outils de la plateforme.")


async def register_tool(http: httpx.AsyncClient, store: ShortLivedStore, sessions: sessionmaker[Session],
                        urls: ToolUrls, config_url: str | None, token: str | None,
                        settings: DynRegSettings | None = None, resolver: Resolver = system_resolver,
                        ) -> RegistrationOutcome:
    """Allowed host → configuration → checks → POST with the token → registration, deployment, used token and audit
    entry in one transaction. Any failure leaves nothing behind on the tool's side (and frees the token for a
    retry). Only hosts on the allow-list or approved are contacted, and only at public addresses."""
    settings = settings or DynRegSettings()
    config_url, host, token = _preflight(settings, urls, config_url, token)
    await run_in_threadpool(_admit_host, sessions, settings, host)
    digest = token_hash(token) if token else None
    if digest:
        await _claim_token(store, sessions, digest)
    try:
        await _check_address(settings, config_url, resolver)
        platform = await fetch_configuration(http, config_url)
        endpoint_host = (urlsplit(platform.registration_endpoint).hostname or "").lower()
        if endpoint_host != host:
            await run_in_threadpool(_admit_host, sessions, settings, endpoint_host)
        await _check_address(settings, platform.registration_endpoint, resolver)
        payload = build_registration(urls, platform)
        client_id, deployment_id = await _post_registration(http, platform, payload, token)
        registration_id = await run_in_threadpool(_save, sessions, platform, client_id, deployment_id, digest)
    except BaseException:
        if digest:
            await store.delete(f"dynreg:token:{digest}")
        raise
    return RegistrationOutcome(registration_id, client_id, deployment_id, platform)
