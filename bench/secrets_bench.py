"""What encryption at rest costs: reading the tool's signing key (`lti_tool_keys.private_pem`, decrypted by
`core.secrets.EncryptedText`) as a launch's tool configuration does, against the same read of a clear column, and
Fernet alone. Prints wall and CPU time per read.

    .venv/bin/python bench/secrets_bench.py [--reads 2000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.db import make_engine, make_session_factory, run_migrations  # noqa: E402
from core.secrets import SecretKeys, decrypt, encrypt, new_key  # noqa: E402
from lti_tool import keys  # noqa: E402


def timed(label: str, reads: int, read: object) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(reads):
        read()  # type: ignore[operator]
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label:<46} {wall / reads * 1e6:8.1f} µs/read   CPU {cpu / reads * 1e6:8.1f} µs/read")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=2000)
    parser.add_argument("--database-url", default=None,
                        help="default: a fresh SQLite file; a PostgreSQL database's schema is DROPPED first")
    args = parser.parse_args()
    secret_keys = SecretKeys((new_key(), new_key()), "bench")
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/secrets-bench.sqlite3"
        engine = make_engine(url, secret_keys)
        if url.startswith("postgresql"):
            with engine.begin() as connection:
                connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        run_migrations(engine)
        sessions = make_session_factory(engine)
        with sessions() as session:
            pem = keys.ensure_key(session).private_pem
        cipher = secret_keys.cipher()
        token = encrypt(cipher, pem)

        def orm_read() -> str:
            with sessions() as session:
                return keys.current_key(session).private_pem  # type: ignore[union-attr]

        def raw_read() -> str:
            with engine.connect() as connection:
                return connection.execute(text("SELECT private_pem FROM lti_tool_keys LIMIT 1")).scalar_one()

        print(f"{os.path.basename(url.split('?')[0])}: {args.reads} reads of a {len(pem)}-byte PEM "
              f"({len(token)} bytes stored)")
        timed("Fernet decrypt alone (MultiFernet, 2 keys)", args.reads, lambda: decrypt(cipher, token))
        timed("raw column read (no decryption)", args.reads, raw_read)
        timed("signing key read through the model (decrypted)", args.reads, orm_read)
        engine.dispose()


if __name__ == "__main__":
    main()
