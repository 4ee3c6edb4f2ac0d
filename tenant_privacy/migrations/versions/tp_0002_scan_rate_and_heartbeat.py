"""scan job: measured household rate and heartbeat

Revision ID: tp_0002
Revises: tp_0001
Create Date: 2026-11-29 21:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "tp_0002"
down_revision = "tp_0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tenant_privacy_scan_job") as batch:
        batch.add_column(sa.Column("household_rate", sa.Float(), nullable=True))
        batch.add_column(
            sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("tenant_privacy_scan_job") as batch:
        batch.drop_column("heartbeat_at")
        batch.drop_column("household_rate")
