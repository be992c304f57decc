"""Fixtures: the tool app with the GAR connector, and a real pysaml2 IdP playing the GAR médiacentre."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from core.accounts import Account
from core.db import make_engine
from core.schools import GarGroup, GarGroupMember, GarProfile, GarSchool, GarSchoolMember
from core.settings import Settings
from ent_gar_connector.models import GarRosterEntry, GarSubscription
from ent_gar_connector.saml_sp import GarServiceProvider
from ent_gar_connector.settings import GarSettings
from ent_gar_connector.sp_keys import generate_key_pair
from pix_lti.app import create_app
from tests.gar.idp import IDP_ENTITY, SLO_URL, GarIdp, encode
from tests.gar.shibboleth_idp import ShibbolethIdp
from tests.lti.conftest import _service_url

BASE = "http://localhost"
SCHOOL = "0561641E"  # a real-format UAI whose check letter is right
IDO_STUDENT = "a1" * 64
IDO_TEACHER = "b2" * 64
COUNTED = (Account, GarSchool, GarGroup, GarGroupMember, GarSchoolMember, GarProfile, GarRosterEntry)


def student(**extra: Any) -> dict[str, Any]:
    return {"IDO": [IDO_STUDENT], "UAI": [SCHOOL], "PRO": ["National_elv"], "DIV": ["3A##3e A"],
            "GRO": ["G-ANG1##Anglais groupe 1"], **extra}


def teacher(**extra: Any) -> dict[str, Any]:
    return {"IDO": [IDO_TEACHER], "UAI": [SCHOOL], "PRO": ["National_ens"], "DIV": ["3A##3e A", "3B##3e B"],
            "P_MS4": ["L0100"], **extra}


@pytest.fixture(scope="session")
def gar_keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("gar-keys")
    generate_key_pair(directory / "sp-key.pem", directory / "sp-cert.pem", BASE + "/gar/metadata")
    return directory


def gar_settings(directory: Path, **extra: Any) -> GarSettings:
    return GarSettings(sp_key_file=directory / "sp-key.pem", sp_cert_file=directory / "sp-cert.pem",
                       idp_metadata_file=directory / "idp-metadata.xml", **extra)


@pytest.fixture(scope="session")
def idp(gar_keys: Path) -> GarIdp:
    sp_metadata = GarServiceProvider(gar_settings(gar_keys), BASE).sp_metadata()
    provider = GarIdp(gar_keys, sp_metadata)
    (gar_keys / "idp-metadata.xml").write_text(provider.metadata_xml(), encoding="utf-8")
    return provider


@pytest.fixture
def shib(idp: GarIdp, gar_keys: Path) -> ShibbolethIdp:
    """A Shibboleth-shaped IdP (xmlsec1, no pysaml2) with the entity ID and signing key the SP trusts."""
    return ShibbolethIdp(IDP_ENTITY, idp.key, idp.cert, gar_keys / "sp-cert.pem", SLO_URL)


@dataclass
class Gar:
    client: TestClient
    idp: GarIdp
    keys: Path

    @property
    def sessions(self):  # type: ignore[no-untyped-def]
        return self.client.app.state.tool.sessions

    def subscribe(self, *uais: str) -> None:
        with self.sessions.begin() as session:
            for uai in uais:
                session.add(GarSubscription(uai=uai))

    def start(self, target: str | None = None) -> tuple[str, str, str]:
        """GET /gar/login → the IdP reads the signed AuthnRequest: (request id, ACS URL, RelayState)."""
        params = {"target": target} if target else {}
        response = self.client.get("/gar/login", params=params, follow_redirects=False)
        assert response.status_code == 302, response.text
        return self.idp.read_request(response.headers["location"])

    def post(self, xml: str, relay: str = "") -> httpx.Response:
        return self.client.post("/gar/acs", data={"SAMLResponse": encode(xml), "RelayState": relay},
                                follow_redirects=False)

    def response_for(self, attributes: dict[str, Any], target: str | None = None, idp: GarIdp | None = None,
                     **kwargs: Any) -> tuple[str, str]:
        request_id, acs, relay = self.start(target)
        xml = (idp or self.idp).response_xml(request_id, acs, BASE + "/gar/metadata", attributes, **kwargs)
        return xml, relay

    def sign_in(self, attributes: dict[str, Any], target: str | None = None, **kwargs: Any) -> httpx.Response:
        xml, relay = self.response_for(attributes, target, **kwargs)
        return self.post(xml, relay)

    def counts(self) -> dict[str, int]:
        with self.sessions() as session:
            return {m.__tablename__: session.scalar(select(func.count()).select_from(m)) for m in COUNTED}


def _gar(settings: Settings, idp: GarIdp, keys: Path) -> Iterator[Gar]:
    app = create_app(settings)
    app.state.gar_settings = gar_settings(keys)
    with TestClient(app, base_url=BASE) as client:
        yield Gar(client, idp, keys)


def _fresh_services() -> tuple[str, str]:
    import redis

    db_url, redis_url = _service_url("PIX_LTI_TEST_DATABASE_URL"), _service_url("PIX_LTI_TEST_REDIS_URL")
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    client.close()
    return db_url, redis_url


@pytest.fixture
def gar(tmp_path: Path, idp: GarIdp, gar_keys: Path) -> Iterator[Gar]:
    """SQLite + in-process store."""
    settings = Settings(database_url=f"sqlite:///{tmp_path}/tool.sqlite3", redis_url=None, base_url=BASE)
    yield from _gar(settings, idp, gar_keys)


@pytest.fixture(params=["sqlite", "postgres+redis"])
def any_gar(request: pytest.FixtureRequest, tmp_path: Path, idp: GarIdp, gar_keys: Path) -> Iterator[Gar]:
    if request.param == "sqlite":
        settings = Settings(database_url=f"sqlite:///{tmp_path}/tool.sqlite3", redis_url=None, base_url=BASE)
    else:
        db_url, redis_url = _fresh_services()
        settings = Settings(database_url=db_url, redis_url=redis_url, base_url=BASE)
    yield from _gar(settings, idp, gar_keys)
