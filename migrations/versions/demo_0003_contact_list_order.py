"""contact: an index in the contact list's order (tenant, last name, first name, id)

Revision ID: demo_0003
Revises: demo_0002
Create Date: 2026-12-05 22:00:00.000000

A page of the list is then read from the index instead of sorting every contact of
the tenant (and testing each against the visibility rules) first.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "demo_0003"
down_revision = "demo_0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_contact_list_order",
        "contact",
        ["tenant_key", "last_name", "first_name", "id"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_contact_list_order", table_name="contact")
