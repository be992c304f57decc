"""Admin accounts, audit log, registration tokens used by LTI Dynamic Registration.

Revision ID: 0004_admin
Revises: 0001_lti_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_admin"
down_revision = "0001_lti_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admin_accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "admin_audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(512), nullable=True),
        sa.Column("details", sa.JSON, nullable=False),
    )
    op.create_table(
        "lti_dynreg_tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("registration_id", sa.Integer, sa.ForeignKey("lti_registrations.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("issuer", sa.String(512), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("lti_dynreg_tokens")
    op.drop_table("admin_audit_log")
    op.drop_table("admin_accounts")
