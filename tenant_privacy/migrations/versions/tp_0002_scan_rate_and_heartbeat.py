"""scan job: measured household rate and heartbeat; merge record kind; merge subjects

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
    touched = op.create_table(
        "tenant_privacy_merge_subject",
        sa.Column("merge_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("tenant_key", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["merge_id"],
            ["tenant_privacy_merge.id"],
            name=op.f("fk_tenant_privacy_merge_subject_merge_id_tenant_privacy_merge"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "merge_id", "subject_id", name=op.f("pk_tenant_privacy_merge_subject")
        ),
    )
    op.create_index(
        "ix_tp_merge_subject_subject",
        "tenant_privacy_merge_subject",
        ["tenant_key", "subject_id"],
        unique=False,
    )
    # existing merges: unlinks were marked in the evidence before the column
    # existed, and the subjects each merge touched come from its JSON
    merge = sa.table(
        "tenant_privacy_merge",
        sa.column("id", sa.Integer),
        sa.column("tenant_key", sa.String),
        sa.column("subject_id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("evidence", sa.JSON),
        sa.column("previous", sa.JSON),
    )
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(
            merge.c.id,
            merge.c.tenant_key,
            merge.c.subject_id,
            merge.c.evidence,
            merge.c.previous,
        )
    ).all()
    for row in rows:
        evidence = row.evidence or {}
        if isinstance(evidence, dict) and evidence.get("operation") == "unlink":
            conn.execute(
                merge.update().where(merge.c.id == row.id).values(kind="unlink")
            )
        subjects = {row.subject_id} | {int(p[2]) for p in row.previous or ()}
        if subjects:
            conn.execute(
                touched.insert(),
                [
                    {
                        "merge_id": row.id,
                        "subject_id": sid,
                        "tenant_key": row.tenant_key,
                    }
                    for sid in sorted(subjects)
                ],
            )


def downgrade():
    op.drop_index(
        "ix_tp_merge_subject_subject", table_name="tenant_privacy_merge_subject"
    )
    op.drop_table("tenant_privacy_merge_subject")
    with op.batch_alter_table("tenant_privacy_merge") as batch:
        batch.drop_column("kind")
    with op.batch_alter_table("tenant_privacy_scan_job") as batch:
        batch.drop_column("heartbeat_at")
        batch.drop_column("household_rate")
