"""exam integrity: question pools, per-attempt option ids, several breaks, first exposures, quiet contact clock

Revision ID: c3f1a2b4d5e6
Revises: e18a1b2c3d4f
Create Date: 2026-12-01 20:30:00

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


revision = 'c3f1a2b4d5e6'
down_revision = 'e18a1b2c3d4f'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN, not a batch rebuild: rebuilding attempt_items would drop a table that attempt_answers
    # references, which SQLite refuses once there are answers.
    op.add_column('questions', sa.Column('pool', sa.String(length=10), nullable=False, server_default='exam'))
    op.add_column('attempts', sa.Column('salt', sa.String(length=32), nullable=False, server_default=''))
    op.add_column('attempts', sa.Column('breaks', sa.JSON(), nullable=True))
    op.add_column('attempts', sa.Column('break_ended_at', sa.DateTime(), nullable=True))
    op.add_column('attempts', sa.Column('feedback', sa.String(length=10), nullable=True))
    op.add_column('attempt_items', sa.Column('first_exposure', sa.Boolean(), nullable=False,
                                             server_default=sa.false()))
    op.add_column('engagement_clocks', sa.Column('quiet_until', sa.DateTime(), nullable=True))

    bind = op.get_bind()
    random_hex = "md5(random()::text)" if bind.dialect.name == "postgresql" else "lower(hex(randomblob(16)))"
    # Every attempt gets its own salt, so the ids its learner sees are opaque and differ from every other attempt.
    op.execute(f"UPDATE attempts SET salt = {random_hex}")  # nosec B608: a constant per dialect, no input
    # The one break an attempt offered becomes the first of its list of breaks (one per section boundary).
    breaks = "'[' || break_minutes || ', null]'"
    if bind.dialect.name == "postgresql":
        breaks = f"CAST({breaks} AS JSON)"
    op.execute(f"UPDATE attempts SET breaks = {breaks} WHERE break_minutes IS NOT NULL")  # nosec B608: constant
    # An item is a first exposure when no earlier attempt of the same learner held the same question.
    op.execute("""
        UPDATE attempt_items SET first_exposure = (
            NOT EXISTS (
                SELECT 1 FROM attempt_items AS earlier
                JOIN attempts AS earlier_attempt ON earlier_attempt.id = earlier.attempt_id
                JOIN attempts AS this_attempt ON this_attempt.id = attempt_items.attempt_id
                WHERE earlier.question_id = attempt_items.question_id
                  AND earlier_attempt.user_id = this_attempt.user_id
                  AND (earlier_attempt.created_at < this_attempt.created_at
                       OR (earlier_attempt.created_at = this_attempt.created_at
                           AND earlier_attempt.id < this_attempt.id))))
    """)
    _refresh_readiness()


def _refresh_readiness():
    """Recompute every readiness snapshot under the new rule (first exposures only, no `extra` items), as
    learnpm.reports.readiness_store.refresh_program would, through table stubs of this revision."""
    from learnpm.lessons.programs import program_from_dict
    from learnpm.reports.queries import WINDOW, readiness_from_counts

    conn = op.get_bind()
    now = datetime.now(UTC).replace(tzinfo=None)
    programs = sa.table('programs', sa.column('id', sa.Integer), sa.column('definition', sa.JSON))
    attempts = sa.table('attempts', sa.column('id', sa.Integer), sa.column('user_id', sa.Integer),
                        sa.column('program_id', sa.Integer), sa.column('status', sa.String),
                        sa.column('closed_at', sa.DateTime))
    items = sa.table('attempt_items', sa.column('attempt_id', sa.Integer), sa.column('position', sa.Integer),
                     sa.column('question_id', sa.Integer), sa.column('domain', sa.String),
                     sa.column('scored', sa.Boolean), sa.column('correct', sa.Boolean),
                     sa.column('first_exposure', sa.Boolean))
    questions = sa.table('questions', sa.column('id', sa.Integer), sa.column('pool', sa.String))
    snapshots = sa.table('readiness_snapshots', sa.column('user_id', sa.Integer), sa.column('program_id', sa.Integer),
                         sa.column('percent', sa.Float), sa.column('low', sa.Float), sa.column('high', sa.Float),
                         sa.column('questions', sa.Integer), sa.column('computed_at', sa.DateTime))
    for program_id, definition in conn.execute(sa.select(programs.c.id, programs.c.definition)).all():
        rules = program_from_dict(definition)
        rn = sa.func.row_number().over(partition_by=attempts.c.user_id, order_by=(
            attempts.c.closed_at.desc(), attempts.c.id.desc(), items.c.position.desc()))
        recent = (sa.select(attempts.c.user_id, items.c.domain, items.c.correct, rn.label('rn'))
                  .join(items, items.c.attempt_id == attempts.c.id)
                  .join(questions, questions.c.id == items.c.question_id)
                  .where(attempts.c.program_id == program_id, attempts.c.status == 'closed',
                         attempts.c.closed_at <= now, items.c.scored.is_(True), items.c.correct.is_not(None),
                         items.c.first_exposure.is_(True), questions.c.pool != 'extra',
                         items.c.domain.in_(rules.domain_keys()))
                  .subquery('recent'))
        right = sa.func.sum(sa.case((recent.c.correct.is_(True), 1), else_=0))
        counts = {}
        for user_id, domain, correct, answered in conn.execute(
                sa.select(recent.c.user_id, recent.c.domain, right, sa.func.count())
                .where(recent.c.rn <= WINDOW).group_by(recent.c.user_id, recent.c.domain)):
            counts.setdefault(user_id, {})[domain] = (int(correct), int(answered))
        conn.execute(snapshots.delete().where(snapshots.c.program_id == program_id))
        rows = []
        for user_id, by_domain in counts.items():
            readiness = readiness_from_counts(by_domain, rules, now)
            rows.append({'user_id': user_id, 'program_id': program_id, 'percent': readiness.percent,
                         'low': readiness.low, 'high': readiness.high, 'questions': readiness.questions,
                         'computed_at': now})
        if rows:
            op.bulk_insert(snapshots, rows)


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+ and PostgreSQL): a batch rebuild of attempt_items would drop a table that
    # attempt_answers references, which SQLite refuses with foreign keys on.
    for table, column in (("attempt_items", "first_exposure"), ("engagement_clocks", "quiet_until"),
                          ("attempts", "break_ended_at"), ("attempts", "feedback"), ("attempts", "breaks"), ("attempts", "salt"),
                          ("questions", "pool")):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
