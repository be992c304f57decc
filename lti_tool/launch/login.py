"""pylti1p3's OIDCLogin (third-party initiated login), hardened and adapted:

- the registration is chosen among the active ones (issuer, client_id, deployment) with French refusals;
- state and nonce are random (secrets), and the state record — registration, nonce, target and the
  login parameters — is saved once in the short-lived store under `state:{state}`;
- the state cookie is `SameSite=None; Secure; Partitioned` on HTTPS so it survives the LMS iframe;
- inside an iframe (`Sec-Fetch-Dest: iframe`) pylti1p3's cookie check runs first, in French (a page with no
  inline script: the CSP forbids it), and
  offers to open the activity in a new window when the browser refuses the tool's cookies.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from pylti1p3.oidc_login import OIDCLogin
from pylti1p3.registration import Registration
from starlette.responses import HTMLResponse, Response

from lti_tool.launch.adapters import CookieJar, FastAPIRedirect, FastAPIRequest, StoreSessionService
from lti_tool.launch.oidc_login import check_login_params, choose_registration
from lti_tool.launch.tool_conf import platform_registration
from lti_tool.registrations import RegistrationView
from web.i18n import translator

LOGIN_PARAMS = ("iss", "login_hint", "target_link_uri", "lti_message_hint", "lti_deployment_id", "client_id")
NEW_WINDOW_PARAM = "lti1p3_new_window"

RegistrationsForLogin = Callable[[str, str | None], list[RegistrationView]]


def cookies_check_page(params: dict[str, str], secure: bool, main_text: str, click_text: str,
                       loading_text: str, locale: str = "fr") -> str:
    """pylti1p3's cookie check page, in the launch's language (French or English), with a `Partitioned` test
    cookie (what the tool's cookies are); its script is a static file (`cookies.js`) reading the login
    parameters from a data attribute, and deleting the test cookie with the same attributes."""
    from web.pages import TEMPLATES  # the web layer's templates; imported late (no import cycle)

    return TEMPLATES.env.get_template("verification_cookies.html").render(
        params_json=json.dumps(params), main_text=main_text, click_text=click_text, loading_text=loading_text,
        cookie_attributes="; SameSite=None; Secure; Partitioned" if secure else "",
        locale=locale, title=translator(locale)("cookies.title"),
    )


class ToolOIDCLogin(OIDCLogin[FastAPIRequest, Any, StoreSessionService, CookieJar, Response]):
    def __init__(self, request: FastAPIRequest, tool_config: Any, session_service: StoreSessionService,
                 cookie_service: CookieJar, *, registrations: RegistrationsForLogin, state_ttl: int,
                 in_iframe: bool, locale: str = "fr") -> None:
        super().__init__(request, tool_config, session_service, cookie_service)
        self._registrations = registrations
        self._state_ttl = state_ttl
        self._view: RegistrationView | None = None
        self._locale = locale
        t = translator(locale)
        self._cookies_unavailable_msg_main_text = t("cookies.blocked")
        self._cookies_unavailable_msg_click_text = t("cookies.open")
        self._cookies_check_loading_text = t("cookies.loading")
        self._cookies_check = in_iframe

    def get_redirect(self, url: str) -> FastAPIRedirect:
        return FastAPIRedirect(url, self._cookie_service)

    def get_response(self, html: str) -> Response:
        return self._cookie_service.apply(HTMLResponse(html))

    def get_cookies_allowed_js_check(self) -> str:
        params = {NEW_WINDOW_PARAM: "1"}
        params.update({k: v for k in LOGIN_PARAMS if (v := self._get_request_param(k))})
        return cookies_check_page(params, self._request.is_secure(), self._cookies_unavailable_msg_main_text,
                                  self._cookies_unavailable_msg_click_text, self._cookies_check_loading_text,
                                  locale=self._locale)

    def validate_oidc_login(self) -> Registration:
        params = {k: self._get_request_param(k) for k in (*LOGIN_PARAMS, "target_link_uri")}
        iss, client_id, _, _ = check_login_params(params)
        self._view = choose_registration(
            self._registrations(iss, client_id), iss, client_id, params.get("lti_deployment_id") or None
        )
        return platform_registration(self._view)

    def _prepare_redirect_url(self, launch_url: str) -> str:
        registration = self.validate_oidc_login()
        assert self._view is not None
        state, nonce = "state-" + secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        login = {k: v for k in LOGIN_PARAMS if (v := self._get_request_param(k))}
        self._session_service.save_state_params(state, {
            "registration_id": self._view.id, "nonce": nonce,
            "target": self._get_request_param("target_link_uri"), "login": login,
        })
        self._cookie_service.set_cookie(state, state, self._state_ttl)
        query = {
            "scope": "openid", "response_type": "id_token", "response_mode": "form_post", "prompt": "none",
            "client_id": registration.get_client_id(), "redirect_uri": launch_url,
            "login_hint": self._get_request_param("login_hint"), "state": state, "nonce": nonce,
        }
        if hint := self._get_request_param("lti_message_hint"):
            query["lti_message_hint"] = hint
        auth_url = registration.get_auth_login_url() or ""
        return auth_url + ("&" if "?" in auth_url else "?") + urlencode(query)


def new_window_login_url(base_url: str, login_params: dict[str, str]) -> str:
    """The login to restart at top level (cookies first-party) when the iframe refused them."""
    query = {k: v for k, v in login_params.items() if k in LOGIN_PARAMS} | {NEW_WINDOW_PARAM: "1"}
    return base_url.rstrip("/") + "/lti/login?" + urlencode(query)
