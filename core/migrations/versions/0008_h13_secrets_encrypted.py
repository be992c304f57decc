"""Secrets encrypted at rest: the tool's private keys (`lti_tool_keys.private_pem`) and its generated secrets
(`lti_tool_secrets.value`) become ``fernet:<token>`` with the engine's keys (`core.secrets`); downgrade writes
them back in clear. Values already encrypted (or already clear, on downgrade) are left as they are.

Revision ID: 0008_h13_secrets_encrypted
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.secrets import PREFIX, cipher_of_connection, decrypt, encrypt

revision = "0008_h13_secrets_encrypted"
down_revision = "0007b_secrets_at_rest"
branch_labels = None
depends_on = ("0001_lti_initial",)

# (table, primary key, secret column), frozen at this revision
_COLUMNS = (("lti_tool_keys", "id", "private_pem"), ("lti_tool_secrets", "name", "value"))


def _rewrite(encrypting: bool) -> None:
    connection = op.get_bind()
    cipher = None  # looked up only when a row needs it (an empty database needs no key)
    for table_name, key_name, column_name in _COLUMNS:
        table = sa.table(table_name, sa.column(key_name), sa.column(column_name, sa.Text))
        key, column = table.c[key_name], table.c[column_name]
        for row_key, stored in connection.execute(sa.select(key, column)).all():
            if stored is None or stored.startswith(PREFIX) == encrypting:
                continue
            cipher = cipher or cipher_of_connection(connection)
            value = encrypt(cipher, stored) if encrypting else decrypt(cipher, stored)
            connection.execute(sa.update(table).where(key == row_key).values({column_name: value}))


def upgrade() -> None:
    _rewrite(encrypting=True)


def downgrade() -> None:
    _rewrite(encrypting=False)
