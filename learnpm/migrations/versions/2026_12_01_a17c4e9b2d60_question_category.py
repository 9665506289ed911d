"""a question's Moodle category path ($CATEGORY or the XML category), kept for export and filtering

Revision ID: a17c4e9b2d60
Revises: e18b2c3d4e5f
Create Date: 2026-12-01 23:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a17c4e9b2d60'
down_revision = 'e18b2c3d4e5f'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('questions', sa.Column('category', sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_column('category')
