"""LTI registrations, tool keys, accounts, courses, activities, memberships.

Revision ID: 0001_lti_initial
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_lti_initial"
down_revision = None
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "lti_registrations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("issuer", sa.String(512), nullable=False),
        sa.Column("client_id", sa.String(255), nullable=False),
        sa.Column("auth_login_url", sa.String(1024), nullable=False),
        sa.Column("auth_token_url", sa.String(1024), nullable=False),
        sa.Column("keyset_url", sa.String(1024), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _ts("created_at"),
        sa.UniqueConstraint("issuer", "client_id", name="uq_registration_issuer_client"),
    )
    op.create_table(
        "lti_deployments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "registration_id", sa.Integer, sa.ForeignKey("lti_registrations.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("deployment_id", sa.String(255), nullable=False),
        sa.UniqueConstraint("registration_id", "deployment_id", name="uq_deployment"),
    )
    op.create_table(
        "lti_tool_keys",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kid", sa.String(64), nullable=False, unique=True),
        sa.Column("private_pem", sa.Text, nullable=False),
        sa.Column("public_jwk", sa.JSON, nullable=False),
        _ts("created_at"),
        _ts("retired_at", nullable=True),
    )
    op.create_table(
        "lti_tool_secrets",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("issuer", sa.String(512), nullable=False),
        sa.Column("sub", sa.String(255), nullable=False),
        sa.Column("name", sa.String(255), nullable=True),
        sa.Column("given_name", sa.String(255), nullable=True),
        sa.Column("family_name", sa.String(255), nullable=True),
        _ts("created_at"),
        _ts("last_launch_at"),
        sa.UniqueConstraint("issuer", "sub", name="uq_account_identity"),
    )
    op.create_table(
        "courses",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("issuer", sa.String(512), nullable=False),
        sa.Column("deployment_id", sa.String(255), nullable=False),
        sa.Column("context_id", sa.String(255), nullable=False),
        sa.Column("label", sa.String(255), nullable=True),
        sa.Column("title", sa.String(512), nullable=True),
        sa.UniqueConstraint("issuer", "deployment_id", "context_id", name="uq_course_context"),
    )
    op.create_table(
        "activities",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("issuer", sa.String(512), nullable=False),
        sa.Column("deployment_id", sa.String(255), nullable=False),
        sa.Column("resource_link_id", sa.String(255), nullable=False),
        sa.Column("course_id", sa.Integer, sa.ForeignKey("courses.id", ondelete="SET NULL"), nullable=True),
        sa.Column("title", sa.String(512), nullable=True),
        sa.Column("description", sa.Text, nullable=True),
        sa.Column("custom", sa.JSON, nullable=False),
        sa.UniqueConstraint("issuer", "deployment_id", "resource_link_id", name="uq_activity_link"),
    )
    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("course_id", sa.Integer, sa.ForeignKey("courses.id", ondelete="CASCADE"), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.UniqueConstraint("account_id", "course_id", name="uq_membership"),
    )


def downgrade() -> None:
    for table in (
        "memberships", "activities", "courses", "accounts", "lti_tool_secrets", "lti_tool_keys",
        "lti_deployments", "lti_registrations",
    ):
        op.drop_table(table)
