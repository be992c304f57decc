"""A small, real AGS endpoint (HTTP on loopback) written from the 1EdTech specifications, for the grades
benchmark and the worker crash test. It shares no code with lti_tool.

    python3 bench/ags_endpoint.py --port 9100 --jwks tool-jwks.json [--client-id C] [--score-delay 0]

- POST /token: OAuth 2 client credentials with a JWT client assertion, verified (RS256) against the
  tool's JWKS file; tokens last --token-lifetime seconds.
- POST /ags/lineitems/{n}/lineitem/scores: a score (bearer token required); the gradebook keeps the
  latest timestamp per (line item, user) and answers 409 to a timestamp that is not strictly newer.
- GET /_stats, GET /_gradebook, GET /_posts (score POSTs received per line item and user, accepted or not),
  POST /_control {"score_delay": s}: for the test harness.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import time
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

from jose import jwt


class Endpoint:
    def __init__(self, issuer: str, client_id: str, jwks: dict[str, Any], token_lifetime: int,
                 score_delay: float) -> None:
        self.token_url = issuer + "/token"
        self.client_id = client_id
        self.jwks = jwks
        self.token_lifetime = token_lifetime
        self.score_delay = score_delay
        self.tokens: dict[str, float] = {}
        self.grades: dict[tuple[str, str], dict[str, Any]] = {}
        self.posts: dict[tuple[str, str], int] = {}  # authorized score POSTs per (line item, user)
        self.stats = {"token_requests": 0, "score_posts": 0, "accepted": 0, "conflicts": 0, "refused": 0}

    def token(self, body: bytes) -> tuple[int, dict[str, Any]]:
        self.stats["token_requests"] += 1
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        try:
            kid = jwt.get_unverified_header(form["client_assertion"])["kid"]
            key = next(k for k in self.jwks["keys"] if k["kid"] == kid)
            claims = jwt.decode(form["client_assertion"], key, algorithms=["RS256"], audience=self.token_url,
                                issuer=self.client_id)
        except Exception:
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") != "client_credentials" or claims.get("sub") != self.client_id:
            return 400, {"error": "invalid_request"}
        token = secrets.token_urlsafe(16)
        self.tokens[token] = time.time() + self.token_lifetime
        return 200, {"access_token": token, "token_type": "Bearer", "expires_in": self.token_lifetime,
                     "scope": form.get("scope", "")}

    def authorized(self, headers: dict[bytes, bytes]) -> bool:
        value = headers.get(b"authorization", b"").decode()
        expires = self.tokens.get(value[7:]) if value.startswith("Bearer ") else None
        return expires is not None and expires > time.time()

    async def score(self, path: str, headers: dict[bytes, bytes], body: bytes) -> tuple[int, dict[str, Any]]:
        self.stats["score_posts"] += 1
        if not self.authorized(headers):
            self.stats["refused"] += 1
            return 401, {"error": "invalid_token"}
        if self.score_delay:
            await asyncio.sleep(self.score_delay)
        score = json.loads(body)
        key = (path[: -len("/scores")], str(score["userId"]))
        self.posts[key] = self.posts.get(key, 0) + 1
        stamp = datetime.fromisoformat(score["timestamp"])
        previous = self.grades.get(key)
        if previous is not None and datetime.fromisoformat(previous["timestamp"]) >= stamp:
            self.stats["conflicts"] += 1
            return 409, {"error": "not newer"}
        self.grades[key] = score
        self.stats["accepted"] += 1
        return 200, {}


def make_app(endpoint: Endpoint):  # type: ignore[no-untyped-def]
    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        path, method = scope["path"], scope["method"]
        headers = dict(scope["headers"])
        if method == "POST" and path == "/token":
            status, payload = endpoint.token(body)
        elif method == "POST" and path.startswith("/ags/") and path.endswith("/scores"):
            status, payload = await endpoint.score(path, headers, body)
        elif path == "/_stats":
            status, payload = 200, {**endpoint.stats, "grades": len(endpoint.grades), "pid": os.getpid()}
        elif path == "/_gradebook":
            status, payload = 200, {"grades": [{"lineitem": k[0], **v} for k, v in endpoint.grades.items()]}
        elif path == "/_posts":
            status, payload = 200, {"posts": [{"lineitem": k[0], "userId": k[1], "count": n}
                                              for k, n in endpoint.posts.items()]}
        elif method == "POST" and path == "/_control":
            endpoint.score_delay = float(json.loads(body).get("score_delay", 0))
            status, payload = 200, {}
        else:
            status, payload = 404, {"error": "not found"}
        data = json.dumps(payload).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]})
        await send({"type": "http.response.body", "body": data})

    return app


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--jwks", required=True, help="the tool's JWKS, as a JSON file")
    parser.add_argument("--client-id", default="bench-client")
    parser.add_argument("--token-lifetime", type=int, default=3600)
    parser.add_argument("--score-delay", type=float, default=0.0)
    args = parser.parse_args()
    with open(args.jwks) as handle:
        jwks = json.load(handle)
    endpoint = Endpoint(f"http://127.0.0.1:{args.port}", args.client_id, jwks, args.token_lifetime, args.score_delay)
    uvicorn.run(make_app(endpoint), host="127.0.0.1", port=args.port, log_level="warning", access_log=False,
                lifespan="on")


if __name__ == "__main__":
    main()
