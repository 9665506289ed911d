"""glossary terms, flashcards and reference pages

Revision ID: d4e5f6a7b8c9
Revises: c3f1a2b4d5e6
Create Date: 2026-12-01 20:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd4e5f6a7b8c9'
down_revision = 'c3f1a2b4d5e6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('glossary_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=140), nullable=False),
    sa.Column('term', sa.String(length=120), nullable=False),
    sa.Column('also', sa.JSON(), nullable=False),
    sa.Column('definition', sa.Text(), nullable=False),
    sa.Column('definition_html', sa.Text(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=True),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_glossary_terms_course_id_courses')),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], name=op.f('fk_glossary_terms_lesson_id_lessons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_glossary_terms')),
    sa.UniqueConstraint('course_id', 'slug', name=op.f('uq_glossary_terms_course_id'))
    )
    with op.batch_alter_table('glossary_terms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_glossary_terms_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_glossary_terms_lesson_id'), ['lesson_id'], unique=False)

    op.create_table('reference_pages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('toc', sa.JSON(), nullable=False),
    sa.Column('source_hash', sa.String(length=64), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_reference_pages_course_id_courses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reference_pages')),
    sa.UniqueConstraint('course_id', 'slug', name=op.f('uq_reference_pages_course_id'))
    )
    with op.batch_alter_table('reference_pages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reference_pages_course_id'), ['course_id'], unique=False)

    op.create_table('flashcards',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('term_id', sa.Integer(), nullable=False),
    sa.Column('card', sa.JSON(), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('reviews', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['term_id'], ['glossary_terms.id'], name=op.f('fk_flashcards_term_id_glossary_terms')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_flashcards_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', 'term_id', name=op.f('pk_flashcards'))
    )
    with op.batch_alter_table('flashcards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flashcards_due_at'), ['due_at'], unique=False)


def downgrade():
    op.drop_table('flashcards')
    op.drop_table('reference_pages')
    op.drop_table('glossary_terms')
