"""Durable admin sessions: admin_accounts.session_generation.

An admin cookie is valid only while it carries its account's generation; logging out increments it, in the
database (it was remembered in Redis only: a logged-out cookie worked again after a Redis restart).
(The encryption at rest this revision is named after is not in it yet.)

Revision ID: 0007b_secrets_at_rest
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007b_secrets_at_rest"
down_revision = "0006_campaigns"
branch_labels = None
depends_on = ("0004_admin",)


def upgrade() -> None:
    with op.batch_alter_table("admin_accounts") as batch:
        batch.add_column(sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("admin_accounts") as batch:
        batch.drop_column("session_generation")
