"""GAR connector: subscriptions, schools, classes/groups and members, profiles, roster entries.

Revision ID: 0005_gar
Revises: 0001_lti_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_gar"
down_revision = "0001_lti_initial"
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _account(nullable: bool = False, ondelete: str = "CASCADE", **kwargs: object) -> sa.Column:
    return sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete=ondelete), nullable=nullable,
                     **kwargs)


def upgrade() -> None:
    op.create_table(
        "gar_subscriptions",
        sa.Column("uai", sa.String(8), primary_key=True),
        _ts("created_at"),
    )
    op.create_table(
        "gar_schools",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uai", sa.String(8), nullable=False, unique=True),
        _ts("created_at"),
    )
    op.create_table(
        "gar_groups",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("school_id", sa.Integer, sa.ForeignKey("gar_schools.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("code", sa.String(255), nullable=False),
        sa.Column("label", sa.String(255), nullable=False),
        sa.UniqueConstraint("school_id", "kind", "code", name="uq_gar_group"),
    )
    op.create_table(
        "gar_group_members",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("group_id", sa.Integer, sa.ForeignKey("gar_groups.id", ondelete="CASCADE"), nullable=False),
        _account(index=True),
        sa.UniqueConstraint("group_id", "account_id", name="uq_gar_group_member"),
    )
    op.create_table(
        "gar_school_members",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("school_id", sa.Integer, sa.ForeignKey("gar_schools.id", ondelete="CASCADE"), nullable=False),
        _account(index=True),
        sa.UniqueConstraint("school_id", "account_id", name="uq_gar_school_member"),
    )
    op.create_table(
        "gar_profiles",
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("profile_code", sa.String(64), nullable=False),
        sa.Column("school_id", sa.Integer, sa.ForeignKey("gar_schools.id", ondelete="SET NULL"), nullable=True),
        _ts("last_login_at"),
    )
    op.create_table(
        "gar_roster_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("school_id", sa.Integer, sa.ForeignKey("gar_schools.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("family_name", sa.String(255), nullable=False),
        sa.Column("given_name", sa.String(255), nullable=False),
        sa.Column("birth_date", sa.Date, nullable=False),
        sa.Column("class_label", sa.String(255), nullable=False),
        _account(nullable=True, ondelete="SET NULL", unique=True),
        _ts("imported_at"),
        sa.UniqueConstraint("school_id", "family_name", "given_name", "birth_date", name="uq_gar_roster_person"),
    )


def downgrade() -> None:
    for table in ("gar_roster_entries", "gar_profiles", "gar_school_members", "gar_group_members", "gar_groups",
                  "gar_schools", "gar_subscriptions"):
        op.drop_table(table)
