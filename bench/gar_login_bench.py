"""GAR login benchmark: server time and CPU of one POST /gar/acs (signature checks and decryption by
xmlsec1 subprocesses, account provisioning), for each shape of SAML Response the tool accepts.

    python3 bench/gar_login_bench.py [--logins 30]

In process (Starlette's TestClient, SQLite, in-process store), as the README's earlier GAR figure was.
For each login the AuthnRequest and the IdP's Response are made first (not timed); the timed part is the
POST to the assertion consumer, first logins (a new IDO each time). CPU per login counts this process and
the xmlsec1 children it waited for. Shapes: the pysaml2 IdP (assertion signed, clear) and the
Shibboleth-shaped IdP of tests/gar/shibboleth_idp.py (Response signed, assertion encrypted AES-128-GCM or
AES-256-CBC with RSA-OAEP; and assertion signed inside the encryption).
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402
from launch_bench import machine_reference_ms  # noqa: E402

from core.settings import Settings  # noqa: E402
from ent_gar_connector.models import GarSubscription  # noqa: E402
from ent_gar_connector.saml_sp import GarServiceProvider  # noqa: E402
from ent_gar_connector.settings import GarSettings  # noqa: E402
from ent_gar_connector.sp_keys import generate_key_pair  # noqa: E402
from pix_lti.app import create_app  # noqa: E402
from tests.gar.idp import IDP_ENTITY, SLO_URL, GarIdp, encode  # noqa: E402
from tests.gar.shibboleth_idp import AES128_GCM, AES256_CBC, Shape, ShibbolethIdp  # noqa: E402

BASE = "http://localhost"
SCHOOL = "0561641E"


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--logins", type=int, default=30)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as directory:
        keys = Path(directory)
        generate_key_pair(keys / "sp-key.pem", keys / "sp-cert.pem", BASE + "/gar/metadata")
        settings = GarSettings(sp_key_file=keys / "sp-key.pem", sp_cert_file=keys / "sp-cert.pem",
                               idp_metadata_file=keys / "idp-metadata.xml")
        pysaml2_idp = GarIdp(keys, GarServiceProvider(settings, BASE).sp_metadata())
        (keys / "idp-metadata.xml").write_text(pysaml2_idp.metadata_xml(), encoding="utf-8")
        shib = ShibbolethIdp(IDP_ENTITY, pysaml2_idp.key, pysaml2_idp.cert, keys / "sp-cert.pem", SLO_URL)
        app = create_app(Settings(database_url=f"sqlite:///{directory}/tool.sqlite3", redis_url=None, base_url=BASE))
        app.state.gar_settings = settings
        shapes = {
            "pysaml2 IdP: assertion signed, clear": None,
            "Shibboleth: Response signed, AES-128-GCM": Shape(),
            "Shibboleth: Response signed, AES-256-CBC": Shape(encrypt=AES256_CBC),
            "Shibboleth: assertion signed, AES-128-GCM": Shape(sign_response=False, sign_assertion=True,
                                                               encrypt=AES128_GCM),
        }
        print(f"GAR first logins, {args.logins} per shape, SQLite + in-process store, one process")
        print(f"{'shape':44} {'p50 ms':>8} {'p95 ms':>8} {'CPU/login ms':>13}")
        with TestClient(app, base_url=BASE) as client:
            with app.state.tool.sessions.begin() as session:
                session.add(GarSubscription(uai=SCHOOL))
            serial = 0
            for label, shape in shapes.items():
                times, cpus = [], []
                for _ in range(args.logins + 2):  # two warm-up logins per shape
                    serial += 1
                    attributes = {"IDO": [f"{serial:0128x}"], "UAI": [SCHOOL], "PRO": ["National_elv"],
                                  "DIV": ["3A##3e A"]}
                    location = client.get("/gar/login", follow_redirects=False).headers["location"]
                    request_id, acs, relay = pysaml2_idp.read_request(location)
                    if shape is None:
                        xml = pysaml2_idp.response_xml(request_id, acs, BASE + "/gar/metadata", attributes)
                    else:
                        xml = shib.response(request_id, acs, BASE + "/gar/metadata", attributes, shape).xml
                    client.cookies.clear()
                    cpu, start = _cpu(), time.perf_counter()
                    response = client.post("/gar/acs", data={"SAMLResponse": encode(xml), "RelayState": relay},
                                           follow_redirects=False)
                    elapsed, used = time.perf_counter() - start, _cpu() - cpu
                    if response.status_code != 303:
                        raise SystemExit(f"{label}: refused ({response.status_code})")
                    times.append(elapsed * 1000)
                    cpus.append(used * 1000)
                times, cpus = times[2:], cpus[2:]
                p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
                print(f"{label:44} {statistics.median(times):8.1f} {p95:8.1f} {statistics.mean(cpus):13.1f}")
    print(f"machine load average: {os.getloadavg()[0]:.2f}; reference loop {machine_reference_ms():.1f} ms "
          "(sum(range(10**6)), best of 5: compares machines)")


if __name__ == "__main__":
    main()
