"""Certificates: one row per candidate of a published certification session, its verification code.

Revision ID: 0008_h20_certificates
Revises: 0001_lti_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_h20_certificates"
down_revision = "0001_lti_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("certification_course_id", sa.Integer, nullable=False, unique=True),
        sa.Column("session_id", sa.Integer, nullable=False),
        sa.Column("session_number", sa.Integer, nullable=False),
        sa.Column("centre_id", sa.Integer, nullable=False),
        sa.Column("centre_name", sa.String(512), nullable=False),
        sa.Column("centre_uai", sa.String(8), nullable=True),
        sa.Column("session_date", sa.Date, nullable=False),
        sa.Column("version", sa.String(4), nullable=False),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True),
        sa.Column("first_name", sa.String(255), nullable=False),
        sa.Column("last_name", sa.String(255), nullable=False),
        sa.Column("birth_date", sa.Date, nullable=True),
        sa.Column("division", sa.String(255), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("score", sa.Integer, nullable=True),
        sa.Column("global_level", sa.String(32), nullable=True),
        sa.Column("competence_levels", sa.JSON, nullable=False),
        sa.Column("comment", sa.Text, nullable=True),
        sa.Column("verification_code", sa.String(10), nullable=True, unique=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_certificates_session_id", "certificates", ["session_id"])
    op.create_index("ix_certificates_centre_id", "certificates", ["centre_id"])
    op.create_index("ix_certificates_account_id", "certificates", ["account_id"])


def downgrade() -> None:
    op.drop_table("certificates")
