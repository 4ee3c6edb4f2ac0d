"""bulk erasure batches, purpose reviews, per-tenant purpose periods

Revision ID: tp_0010
Revises: tp_0009
Create Date: 2026-12-05 21:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "tp_0010"
down_revision = "tp_0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tenant_privacy_tenant_settings") as batch:
        batch.add_column(
            sa.Column("purpose_months", sa.JSON(), nullable=False, server_default="{}")
        )
        batch.add_column(
            sa.Column(
                "auto_approve_review",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
            )
        )
    with op.batch_alter_table("tenant_privacy_erasure_job") as batch:
        batch.add_column(sa.Column("batch_id", sa.Integer(), nullable=True))
        batch.create_index(op.f("ix_tenant_privacy_erasure_job_batch_id"), ["batch_id"])
    op.create_table(
        "tenant_privacy_erasure_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_key", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.String(length=255), nullable=True),
        sa.Column("erased", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenant_privacy_erasure_batch")),
    )
    op.create_index(
        op.f("ix_tenant_privacy_erasure_batch_tenant_key"),
        "tenant_privacy_erasure_batch",
        ["tenant_key"],
    )
    op.create_table(
        "tenant_privacy_purpose_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_key", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenant_privacy_purpose_review")),
    )
    op.create_index(
        op.f("ix_tenant_privacy_purpose_review_tenant_key"),
        "tenant_privacy_purpose_review",
        ["tenant_key"],
    )
    op.create_table(
        "tenant_privacy_purpose_review_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_key", sa.String(length=64), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("excluded", sa.Boolean(), nullable=False),
        sa.Column("exclusion_reason", sa.String(length=500), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint(
            "id", name=op.f("pk_tenant_privacy_purpose_review_item")
        ),
    )
    op.create_index(
        op.f("ix_tenant_privacy_purpose_review_item_review_id"),
        "tenant_privacy_purpose_review_item",
        ["review_id"],
    )


def downgrade():
    op.drop_index(
        op.f("ix_tenant_privacy_purpose_review_item_review_id"),
        table_name="tenant_privacy_purpose_review_item",
    )
    op.drop_table("tenant_privacy_purpose_review_item")
    op.drop_index(
        op.f("ix_tenant_privacy_purpose_review_tenant_key"),
        table_name="tenant_privacy_purpose_review",
    )
    op.drop_table("tenant_privacy_purpose_review")
    op.drop_index(
        op.f("ix_tenant_privacy_erasure_batch_tenant_key"),
        table_name="tenant_privacy_erasure_batch",
    )
    op.drop_table("tenant_privacy_erasure_batch")
    with op.batch_alter_table("tenant_privacy_erasure_job") as batch:
        batch.drop_index(op.f("ix_tenant_privacy_erasure_job_batch_id"))
        batch.drop_column("batch_id")
    with op.batch_alter_table("tenant_privacy_tenant_settings") as batch:
        batch.drop_column("auto_approve_review")
        batch.drop_column("purpose_months")
