"""Campaigns: organisations, target profiles, campaigns, participations.

Revision ID: 0006_campaigns
Revises: 0001_lti_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_campaigns"
down_revision = "0001_lti_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaign_organisations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("uai", sa.String(8), nullable=True, unique=True),
        sa.Column("course_id", sa.Integer, sa.ForeignKey("courses.id", ondelete="CASCADE"), nullable=True,
                  unique=True),
        sa.Column("name", sa.String(512), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "campaign_target_profiles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("campaign_organisations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("skills", sa.JSON, nullable=False),
        sa.Column("stages", sa.JSON, nullable=False),
        sa.Column("badges", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(9), nullable=False, unique=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("campaign_organisations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("target_profile_id", sa.Integer,
                  sa.ForeignKey("campaign_target_profiles.id", ondelete="RESTRICT"), nullable=True),
        sa.Column("multiple_sendings", sa.Boolean, nullable=False),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True),
        sa.Column("course_id", sa.Integer, sa.ForeignKey("courses.id", ondelete="SET NULL"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_campaigns_organisation_id", "campaigns", ["organisation_id"])
    op.create_index("ix_campaigns_course_id", "campaigns", ["course_id"])
    op.create_table(
        "campaign_participations",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("is_improved", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("assessment_id", sa.String(36), nullable=True),
        sa.Column("snapshot", sa.JSON, nullable=True),
        sa.UniqueConstraint("campaign_id", "account_id", "attempt", name="uq_participation_attempt"),
    )
    op.create_index("ix_participations_campaign", "campaign_participations", ["campaign_id", "is_improved"])
    op.create_index("ix_participations_account", "campaign_participations", ["account_id"])


def downgrade() -> None:
    op.drop_table("campaign_participations")
    op.drop_table("campaigns")
    op.drop_table("campaign_target_profiles")
    op.drop_table("campaign_organisations")
