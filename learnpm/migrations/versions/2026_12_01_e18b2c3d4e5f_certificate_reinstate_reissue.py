"""certificates: reinstatement and re-issue of a revoked certificate, with who and why

Revision ID: e18b2c3d4e5f
Revises: fef003d00848
Create Date: 2026-12-01 20:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e18b2c3d4e5f'
down_revision = 'fef003d00848'
branch_labels = None
depends_on = None

COLUMNS = (('reinstated_at', sa.DateTime()), ('reinstated_by', sa.String(length=254)),
           ('reinstated_reason', sa.String(length=500)), ('reissued_as', sa.String(length=24)),
           ('reissued_at', sa.DateTime()), ('reissued_by', sa.String(length=254)),
           ('reissued_reason', sa.String(length=500)))


def upgrade():
    for name, type_ in COLUMNS:
        op.add_column('certificates', sa.Column(name, type_, nullable=True))


def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        for name, _ in reversed(COLUMNS):
            batch_op.drop_column(name)
