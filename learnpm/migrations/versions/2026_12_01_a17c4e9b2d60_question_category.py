"""a question's Moodle category path ($CATEGORY or the XML category); uploads awaiting an import's confirmation

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
    op.create_table(
        'import_uploads',
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_import_uploads_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('digest', 'user_id', name=op.f('pk_import_uploads')),
    )


def downgrade():
    op.drop_table('import_uploads')
    # A plain DROP COLUMN (SQLite 3.35+): a batch rebuild of `questions` fails, other tables refer to it.
    op.drop_column('questions', 'category')
