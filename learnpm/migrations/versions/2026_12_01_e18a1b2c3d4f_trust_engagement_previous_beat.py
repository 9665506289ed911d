"""trust: the previous beat on the engagement clock (the crediting rule credits its lesson)

Revision ID: e18a1b2c3d4f
Revises: a10cea69ac41
Create Date: 2026-12-01 20:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e18a1b2c3d4f'
down_revision = 'a10cea69ac41'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == 'sqlite':  # SQLite adds a column's reference only inline (no batch rebuild)
        op.execute('ALTER TABLE engagement_clocks ADD COLUMN last_lesson_id INTEGER '
                   'CONSTRAINT fk_engagement_clocks_last_lesson_id_lessons REFERENCES lessons (id)')
    else:
        op.add_column('engagement_clocks', sa.Column('last_lesson_id', sa.Integer(), nullable=True))
        op.create_foreign_key('fk_engagement_clocks_last_lesson_id_lessons', 'engagement_clocks', 'lessons',
                              ['last_lesson_id'], ['id'])
    op.add_column('engagement_clocks', sa.Column('last_engaged', sa.Boolean(), nullable=False,
                                                 server_default=sa.false()))
    op.add_column('engagement_clocks', sa.Column('visit_started_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('engagement_clocks', schema=None) as batch_op:
        batch_op.drop_column('visit_started_at')
        batch_op.drop_column('last_engaged')
        batch_op.drop_column('last_lesson_id')
