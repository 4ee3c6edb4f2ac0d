"""job rows share one shape: the accept job gains progress, total and heartbeat

Revision ID: tp_0005
Revises: tp_0004
Create Date: 2026-12-05 19:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "tp_0005"
down_revision = "tp_0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tenant_privacy_accept_job") as batch:
        batch.add_column(
            sa.Column("progress", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column("total", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("tenant_privacy_accept_job") as batch:
        batch.drop_column("heartbeat_at")
        batch.drop_column("total")
        batch.drop_column("progress")
