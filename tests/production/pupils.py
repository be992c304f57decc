"""Simulated pupils for the production tests and the soak benchmark: each one is a browser (httpx over TLS,
through nginx) that launches from an LTI platform (a real RS256 id_token with an AGS claim, so that the test's
result becomes a grade), starts its competence test and answers until the end page.

A browser that loses the instance it was talking to (a 502, a reset connection) does what a pupil does: it
reloads the page and goes on from what the tool shows. An answer counts as acknowledged only when its POST got
the tool's 303; an answer whose POST failed is "unknown" (the tool may or may not have recorded it)."""

from __future__ import annotations

import asyncio
import html
import os
import random
import re
import ssl
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlparse

import httpx
import jwt

from tests.production.harness import ROOT

# the benchmark modules set a bench-only PIX_LTI_SECRET_KEYS when none is set: not for the rest of a test run
_KEYS = os.environ.get("PIX_LTI_SECRET_KEYS")
sys.path.insert(0, str(ROOT / "bench"))
from answer_bench import SKIP_RATE, answer_fields  # noqa: E402  (the benchmarks' answer forms)
from launch_bench import LTI, BenchPlatform  # noqa: E402

if _KEYS is None:
    os.environ.pop("PIX_LTI_SECRET_KEYS", None)

from content_bank.loader import default_referential  # noqa: E402
from engine.simulation import right_answer, wrong_answer  # noqa: E402

AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
SCOPES = ["https://purl.imsglobal.org/spec/lti-ags/scope/score",
          "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"]
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_CHALLENGE = re.compile(r'name="challenge_id" value="([^"]+)"')
_CHRONO = re.compile(r'<form method="post" action="([^"]+/chrono[^"]*)"')
_FORM = re.compile(r'<form method="post" action="([^"]+/reponses[^"]*)"')
FAILED = (502, 503, 504)


class Lost(Exception):
    """The request got no answer from the tool (the instance died, nginx said 502/503/504)."""


def id_token(platform: BenchPlatform, nonce: str, sub: str, target: str, lineitem: str, competence: str) -> str:
    now = int(time.time())
    claims = {
        "iss": platform.issuer, "aud": platform.client_id, "sub": sub, "nonce": nonce, "iat": now, "exp": now + 300,
        LTI + "version": "1.3.0", LTI + "message_type": "LtiResourceLinkRequest",
        LTI + "deployment_id": platform.deployment_id, LTI + "roles": [LEARNER], LTI + "target_link_uri": target,
        LTI + "resource_link": {"id": "scale-out-rl", "title": "Test " + competence},
        LTI + "context": {"id": "scale-out-course", "title": "Collège"}, LTI + "custom": {"competence": competence},
        AGS: {"scope": SCOPES, "lineitem": lineitem},
    }
    return jwt.encode(claims, platform.private, algorithm="RS256", headers={"kid": platform.kid})


@dataclass
class Pupil:
    sub: str
    base: str
    tls: ssl.SSLContext
    rng: random.Random
    competence: str = "1.1"
    acknowledged: list[str] = field(default_factory=list)  # challenge ids whose answer POST got 303
    unknown: int = 0  # answer POSTs that got no answer (maybe recorded)
    lost: int = 0  # requests of any kind that got no answer, then retried
    latencies: list[float] = field(default_factory=list)  # POST answer + GET next page, seconds
    finished: bool = False
    client: httpx.AsyncClient | None = None

    async def _send(self, method: str, url: str, data: dict | None = None) -> httpx.Response:
        assert self.client is not None
        try:
            response = await self.client.request(method, url, data=data, follow_redirects=method == "GET")
        except httpx.TransportError as exc:
            self.lost += 1
            raise Lost(str(exc)) from None
        if response.status_code in FAILED:
            self.lost += 1
            raise Lost(str(response.status_code))
        return response

    async def _retry(self, method: str, url: str, data: dict | None = None, expect: int = 200) -> httpx.Response:
        """A request that is safe to repeat (a GET, a login, starting or resuming a test)."""
        for _ in range(40):
            try:
                response = await self._send(method, url, data)
            except Lost:
                await asyncio.sleep(0.25)
                continue
            if response.status_code != expect:
                raise RuntimeError(f"{self.sub} {method} {url}: {response.status_code} {response.text[:300]}")
            return response
        raise RuntimeError(f"{self.sub} {method} {url}: no answer after 40 tries")

    async def launch(self, platform: BenchPlatform, lineitem: str) -> str:
        """Login + launch (again from the login if either is lost), then the landing page; returns its HTML."""
        target = self.base + "/lti/launch"
        for _ in range(40):
            assert self.client is not None
            self.client.cookies.clear()
            try:
                login = await self._send("POST", "/lti/login", {
                    "iss": platform.issuer, "login_hint": self.sub, "target_link_uri": target,
                    "client_id": platform.client_id, "lti_deployment_id": platform.deployment_id})
                assert login.status_code == 302, login.text[:300]
                query = {k: v[0] for k, v in parse_qs(urlparse(login.headers["location"]).query).items()}
                token = id_token(platform, query["nonce"], self.sub, target, lineitem, self.competence)
                launch = await self._send("POST", "/lti/launch", {"id_token": token, "state": query["state"]})
            except Lost:
                await asyncio.sleep(0.25)
                continue
            assert launch.status_code == 303, f"{self.sub} launch {launch.status_code}: {launch.text[:300]}"
            page = (await self._retry("GET", launch.headers["location"])).text
            self.csrf = _CSRF.search(page).group(1)  # type: ignore[union-attr]
            return page
        raise RuntimeError(f"{self.sub}: no launch after 40 tries")

    async def start_test(self) -> str:
        started = await self._retry("POST", f"/competences/{self.competence}/commencer", {"csrf": self.csrf}, 303)
        self.test_url = started.headers["location"]
        return await self._past_chrono((await self._retry("GET", self.test_url)).text)

    async def _past_chrono(self, page: str) -> str:
        found = _CHRONO.search(page)
        if found is None:
            return page
        started = await self._retry("POST", html.unescape(found.group(1)), {"csrf": self.csrf}, 303)
        return (await self._retry("GET", started.headers["location"])).text

    def _answer(self, page: str) -> tuple[str, dict[str, str | list[str]]]:
        referential = default_referential()
        challenge = referential.challenges[html.unescape(_CHALLENGE.search(page).group(1))]  # type: ignore
        form: dict[str, str | list[str]] = {"csrf": self.csrf, "challenge_id": challenge.id}
        if self.rng.random() < SKIP_RATE:
            return challenge.id, form | {"action": "skip"}
        value = right_answer(challenge) if self.rng.random() < 0.6 else wrong_answer(challenge)
        return challenge.id, form | {"action": "submit"} | answer_fields(challenge, value)

    async def answer_one(self, page: str) -> str:
        """Answers the challenge on `page`; returns the page that follows (reloaded when the POST was lost)."""
        action = html.unescape(_FORM.search(page).group(1))  # type: ignore[union-attr]
        challenge_id, form = self._answer(page)
        began = time.perf_counter()
        try:
            posted = await self._send("POST", action, form)
        except Lost:
            self.unknown += 1
            await asyncio.sleep(0.25)
            return await self._past_chrono((await self._retry("GET", self.test_url)).text)
        if posted.status_code != 303:
            raise RuntimeError(f"{self.sub} answer: {posted.status_code} {posted.text[:300]}")
        self.acknowledged.append(challenge_id)
        following = (await self._retry("GET", posted.headers["location"])).text
        self.latencies.append(time.perf_counter() - began)
        return await self._past_chrono(following)

    async def take_test(self, think: tuple[float, float] = (0.0, 0.0)) -> None:
        page = await self.start_test()
        for _ in range(200):
            if 'name="challenge_id"' not in page:
                if "data-result-level" not in page:
                    raise RuntimeError(f"{self.sub}: neither a challenge nor the end page: {page[:300]}")
                self.finished = True
                return
            if think[1]:
                await asyncio.sleep(self.rng.uniform(*think))
            page = await self.answer_one(page)
        raise RuntimeError(f"{self.sub}: more than 200 pages")


def tls_context(cert: str) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=cert)
