"""struck-out options kept with each answer

Revision ID: f15a0c1d2e3b
Revises: d4e5f6a7b8c9
Create Date: 2026-12-01 21:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'f15a0c1d2e3b'
down_revision = 'd4e5f6a7b8c9'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('attempt_answers', sa.Column('struck', sa.JSON(none_as_null=True), nullable=True))


def downgrade():
    with op.batch_alter_table('attempt_answers', schema=None) as batch_op:
        batch_op.drop_column('struck')
