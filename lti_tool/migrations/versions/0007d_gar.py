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
    with op.batch_alter_table("gar_schools") as batch:
        batch.add_column(sa.Column("teachers_see_all_classes", sa.Boolean, nullable=False,
                                   server_default=sa.false()))
    with op.batch_alter_table("gar_profiles") as batch:
        batch.add_column(sa.Column("unsubscribed_uais", sa.String(255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("gar_profiles") as batch:
        batch.drop_column("unsubscribed_uais")
    with op.batch_alter_table("gar_schools") as batch:
        batch.drop_column("teachers_see_all_classes")
