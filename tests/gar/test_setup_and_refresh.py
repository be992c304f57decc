"""`pix-lti gar init`, subscriptions from the CLI, and IdP metadata refreshed without a restart."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from core.settings import Settings
from ent_gar_connector.settings import GarSettings
from pix_lti.app import create_app
from pix_lti.cli import app as cli
from tests.gar.conftest import BASE, SCHOOL, Gar, student
from tests.gar.idp import GarIdp

runner = CliRunner()


def test_gar_init_creates_the_sp_key_and_certificate_once(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PIX_LTI_GAR_SP_KEY_FILE", str(tmp_path / "gar" / "sp-key.pem"))
    monkeypatch.setenv("PIX_LTI_GAR_SP_CERT_FILE", str(tmp_path / "gar" / "sp-cert.pem"))
    monkeypatch.setenv("PIX_LTI_BASE_URL", "https://pix.lycee.test")
    first = runner.invoke(cli, ["gar", "init"])
    assert first.exit_code == 0, first.output
    assert "https://pix.lycee.test/gar/metadata" in first.output and "créés" in first.output
    key = tmp_path / "gar" / "sp-key.pem"
    assert key.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert key.stat().st_mode & 0o077 == 0
    before = key.read_bytes()
    again = runner.invoke(cli, ["gar", "init"])
    assert "déjà présents" in again.output and key.read_bytes() == before
    metadata = runner.invoke(cli, ["gar", "metadata"])
    assert 'entityID="https://pix.lycee.test/gar/metadata"' in metadata.output


def test_metadata_page_without_key_says_to_run_gar_init(tmp_path: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path}/t.sqlite3", base_url=BASE))
    app.state.gar_settings = GarSettings(sp_key_file=tmp_path / "none.pem", sp_cert_file=tmp_path / "none.crt")
    with TestClient(app, base_url=BASE) as client:
        response = client.get("/gar/metadata")
    assert response.status_code == 503 and "pix-lti gar init" in response.text


def test_subscription_commands(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PIX_LTI_DATABASE_URL", f"sqlite:///{tmp_path}/cli.sqlite3")
    assert "Aucun établissement" in runner.invoke(cli, ["gar", "subscription", "list"]).output
    assert runner.invoke(cli, ["gar", "subscription", "add", "0561641e"]).exit_code == 0
    warned = runner.invoke(cli, ["gar", "subscription", "add", "0123456A"])
    assert warned.exit_code == 0 and "lettre de contrôle" in warned.output
    bad = runner.invoke(cli, ["gar", "subscription", "add", "12345"])
    assert bad.exit_code == 2 and "mal formé" in bad.output
    listing = runner.invoke(cli, ["gar", "subscription", "list"]).output
    assert "0561641E" in listing and "0123456A" in listing
    assert runner.invoke(cli, ["gar", "subscription", "remove", "0123456A"]).exit_code == 0
    assert "0123456A" not in runner.invoke(cli, ["gar", "subscription", "list"]).output
    assert runner.invoke(cli, ["gar", "subscription", "remove", "0123456A"]).exit_code == 1


def _rotated_idp(tmp_path: Path, gar: Gar) -> GarIdp:
    directory = tmp_path / "rotated"
    directory.mkdir()
    return GarIdp(directory, gar.client.get("/gar/metadata").text)


def test_rotated_idp_certificate_is_picked_up_from_the_file_without_restart(gar: Gar, tmp_path: Path) -> None:
    metadata_file = tmp_path / "idp-metadata.xml"
    metadata_file.write_text(gar.idp.metadata_xml(), encoding="utf-8")
    gar.client.app.state.gar_sp = None
    gar.client.app.state.gar_settings = GarSettings(sp_key_file=gar.keys / "sp-key.pem",
                                                    sp_cert_file=gar.keys / "sp-cert.pem",
                                                    idp_metadata_file=metadata_file)
    gar.subscribe(SCHOOL)
    assert gar.sign_in(student()).status_code == 303
    rotated = _rotated_idp(tmp_path, gar)
    refused = gar.sign_in(student(), idp=rotated)
    assert refused.status_code == 400  # not yet published: the new key is unknown
    metadata_file.write_text(rotated.metadata_xml(), encoding="utf-8")
    assert gar.sign_in(student(), idp=rotated).status_code == 303
    assert gar.sign_in(student()).status_code == 400  # the old key is no longer trusted


@pytest.fixture
def metadata_server() -> Iterator[tuple[str, dict[str, str]]]:
    served = {"xml": ""}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = served["xml"].encode()
            self.send_response(200)
            self.send_header("content-type", "application/samlmetadata+xml")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/idp/metadata", served
    finally:
        server.shutdown()
        server.server_close()


def test_idp_metadata_from_a_url_is_refetched_after_its_ttl(gar: Gar, tmp_path: Path, metadata_server) -> None:  # type: ignore[no-untyped-def]
    url, served = metadata_server
    served["xml"] = gar.idp.metadata_xml()
    gar.client.app.state.gar_sp = None
    gar.client.app.state.gar_settings = GarSettings(sp_key_file=gar.keys / "sp-key.pem",
                                                    sp_cert_file=gar.keys / "sp-cert.pem",
                                                    idp_metadata_url=url, idp_metadata_ttl_seconds=0)
    gar.subscribe(SCHOOL)
    assert gar.sign_in(student()).status_code == 303
    rotated = _rotated_idp(tmp_path, gar)
    served["xml"] = rotated.metadata_xml()
    assert gar.sign_in(student(), idp=rotated).status_code == 303
    served["xml"] = "<html>maintenance</html>"  # a broken refresh keeps the last good copy
    assert gar.sign_in(student(), idp=rotated).status_code == 303


def test_login_without_idp_metadata_configured_is_a_clear_503(gar: Gar) -> None:
    gar.client.app.state.gar_sp = None
    gar.client.app.state.gar_settings = GarSettings(sp_key_file=gar.keys / "sp-key.pem",
                                                    sp_cert_file=gar.keys / "sp-cert.pem")
    response = gar.client.get("/gar/login", follow_redirects=False)
    assert response.status_code == 503 and "PIX_LTI_GAR_IDP_METADATA_URL" in response.text
