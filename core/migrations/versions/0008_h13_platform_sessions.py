"""Disabling a platform ends its open sessions: lti_registrations.session_generation.

Every session token of an LTI launch carries its registration and that registration's generation; disabling the
registration increments it, so its cookies (up to 8 h) and `lt` tokens (up to 2 h) are refused from then on, and
enabling it again does not revive them.

Revision ID: 0008_h13_platform_sessions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_h13_platform_sessions"
down_revision = "0008_h13_secrets_encrypted"
branch_labels = None
depends_on = ("0001_lti_initial",)


def upgrade() -> None:
    with op.batch_alter_table("lti_registrations") as batch:
        batch.add_column(sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("lti_registrations") as batch:
        batch.drop_column("session_generation")
