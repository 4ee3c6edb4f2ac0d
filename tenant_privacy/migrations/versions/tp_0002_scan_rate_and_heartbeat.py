"""scan job: measured household rate and heartbeat; merge record kind

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
    with op.batch_alter_table("tenant_privacy_merge") as batch:
        batch.add_column(
            sa.Column(
                "kind", sa.String(length=16), server_default="link", nullable=False
            )
        )
    # unlinks were marked in the evidence before the column existed
    merge = sa.table(
        "tenant_privacy_merge",
        sa.column("id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("evidence", sa.JSON),
    )
    conn = op.get_bind()
    for row in conn.execute(sa.select(merge.c.id, merge.c.evidence)).all():
        evidence = row.evidence or {}
        if isinstance(evidence, dict) and evidence.get("operation") == "unlink":
            conn.execute(
                merge.update().where(merge.c.id == row.id).values(kind="unlink")
            )


def downgrade():
    with op.batch_alter_table("tenant_privacy_merge") as batch:
        batch.drop_column("kind")
    with op.batch_alter_table("tenant_privacy_scan_job") as batch:
        batch.drop_column("heartbeat_at")
        batch.drop_column("household_rate")
