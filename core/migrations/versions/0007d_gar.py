"""GAR: a school setting letting teachers see every class, and the UAIs a person was sent for that are not
subscribed (said on their class page instead of being dropped silently).

Revision ID: 0007d_gar
Revises: 0006_campaigns (depends on 0005_gar, whose tables it alters)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007d_gar"
down_revision = "0006_campaigns"
branch_labels = None
depends_on = "0005_gar"


def upgrade() -> None:
    # Plain ADD/DROP COLUMN, not batch_alter_table: on SQLite a batch re-creates the table, and dropping
    # gar_schools with foreign keys on cascades to its class list, members and groups (and nulls
    # gar_profiles.school_id). SQLite ≥ 3.35 adds and drops these columns in place.
    op.add_column("gar_schools", sa.Column("teachers_see_all_classes", sa.Boolean, nullable=False,
                                           server_default=sa.false()))
    op.add_column("gar_profiles", sa.Column("unsubscribed_uais", sa.String(255), nullable=True))


def downgrade() -> None:
    op.drop_column("gar_profiles", "unsubscribed_uais")
    op.drop_column("gar_schools", "teachers_see_all_classes")
