"""Expand (issue 23, docs/operations.md "Upgrades"): `grades_outbox.last_attempt_at`, when the latest delivery
attempt of an item ended — what `pix-lti grades dead` shows beside the error. Nullable and without a server-side
requirement, so that instances of the previous release, still running during a rolling upgrade, keep inserting
and updating outbox rows without knowing it (they leave it NULL: "not recorded"). Backfill: a delivered row's
last attempt is its delivery. No contract step is needed (NULL stays a valid value); tests/observability/
test_expand_contract.py runs the previous release's outbox queries on this schema.

Revision ID: 0009_h23a_outbox_last_attempt
Revises: 0007h_moodle
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_h23a_outbox_last_attempt"
down_revision = "0007h_moodle"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("grades_outbox", sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True))
    # backfill in one statement: the outbox keeps delivered rows, but it is one row per score sent (thousands,
    # not millions); a bigger backfill would run in batches after the deploy (the rule in docs/operations.md)
    op.execute("UPDATE grades_outbox SET last_attempt_at = delivered_at WHERE status = 'delivered'")


def downgrade() -> None:
    op.drop_column("grades_outbox", "last_attempt_at")
