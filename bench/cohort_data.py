"""Generate a cohort for the report benchmark: the shipped course, 5,000 learners and 100,000 attempts.

`generate(url)` migrates the database at `url` (an empty SQLite file, or a PostgreSQL database whose
public schema it DROPS and recreates: give it a database of its own), imports content/, then bulk-inserts
learners with lesson study (ledger rows, progress, engagement clocks, a few reading sessions under way
and live sessions), and attempts of every mode with their graded items: practice (10 questions),
knowledge checks (the lesson's 4), custom quizzes (20), end-of-course assessments (50) and mock exams
(150, 15 of them unscored), and the readiness snapshots that closing those attempts would have left
(computed in bulk by the app's readiness_store). Answers, review cards and audit rows are left out: the
cohort report does not read them. Rows go in through the driver's bulk paths (executemany on SQLite, COPY
on PostgreSQL), so the whole set builds in seconds.
"""

from __future__ import annotations

import json
import random
import tempfile
import time
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
COURSE = "capm-prep"
INSTRUCTOR_EMAIL = "bench-instructor@example.com"
PASSWORD = "bench instructor passphrase long"
# mode: (share of attempts, questions)
MODES = {"practice": (0.60, 10), "check": (0.25, 4), "custom": (0.10, 20), "final": (0.02, 50), "mock": (0.03, 150)}
FIRST = ["Ada", "Bram", "Chen", "Dana", "Emeka", "Fatima", "Gustav", "Hana", "Ivan", "Jun", "Kofi", "Lena", "Mateo",
         "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zoë"]
LAST = ["Abara", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Haddad", "Ito", "Jansen", "Kowalski",
        "Larsen", "Müller", "Nakamura", "Okafor", "Petrov", "Quispe", "Rossi", "Silva", "Tanaka", "Ueda", "Varga",
        "Weber", "Xu", "Yilmaz", "Zhang"]
ZERO_HASH = "0" * 64


def _stamp(moment: datetime) -> str:
    return moment.isoformat(" ", "microseconds")  # SQLAlchemy's SQLite storage format


def bulk_insert(conn: sa.Connection, table: str, columns: list[str], rows: list[tuple]) -> None:
    """Insert `rows` through the driver's bulk path: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    raw = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" for _ in columns)
        cursor = raw.cursor()
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
        cursor.close()


def make_app(url: str, instance: str):
    from learnpm import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "LEARNPM_INSTANCE_PATH": instance,
                       "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
                       "RATELIMIT_STORAGE_URI": "memory://", "RATELIMIT_ENABLED": False})


def generate(url: str, learners: int = 5_000, attempts: int = 100_000, seed: int = 7,
             instance: str | None = None) -> dict:
    """Build the data set at `url`; return what was inserted and how long it took."""
    from flask_migrate import upgrade

    from learnpm.extensions import db

    started = time.perf_counter()
    if url.startswith("postgresql"):
        from bench.run import reset_postgres

        reset_postgres(url)
    app = make_app(url, instance or tempfile.mkdtemp(prefix="learnpm-bench-"))
    with app.app_context():
        upgrade()
        _import_content()
        counts = _insert_cohort(db.engine, learners, attempts, random.Random(seed))
        db.session.remove()
        db.engine.dispose()
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


def _import_content() -> None:
    from learnpm.extensions import db
    from learnpm.lessons.importer import import_tree
    from learnpm.lessons.lint import check_content, errors

    tree, problems = check_content(ROOT / "content")
    if errors(problems):
        raise RuntimeError(f"content/ does not check: {errors(problems)[:3]}")
    import_tree(tree)
    db.session.commit()


def _catalog(conn: sa.Connection):
    from learnpm.lessons.models import Course, Lesson
    from learnpm.quizzes.models import Question, QuestionVersion

    course_id, program_id = conn.execute(sa.select(Course.id, Course.program_id).where(Course.slug == COURSE)).one()
    lessons = conn.execute(sa.select(Lesson.id, Lesson.duration_minutes).where(Lesson.course_id == course_id)
                           .order_by(Lesson.position)).all()
    questions = conn.execute(
        sa.select(Question.id, Question.key, Question.domain, QuestionVersion.id, Question.lesson_id, Question.check)
        .join(QuestionVersion, (QuestionVersion.question_id == Question.id)
              & (QuestionVersion.number == Question.version))
        .where(Question.program_id == program_id, Question.retired.is_(False))).all()
    return course_id, program_id, lessons, questions


def _insert_cohort(engine: sa.Engine, learners: int, attempts: int, rng: random.Random) -> dict:
    from learnpm.auth.passwords import hash_password
    from learnpm.timeutil import utcnow

    now = utcnow().replace(microsecond=0)
    sqlite = engine.dialect.name == "sqlite"

    def when(moment: datetime):
        return _stamp(moment) if sqlite else moment

    def day(moment: datetime):
        return moment.date().isoformat() if sqlite else moment.date()

    with engine.begin() as conn:
        if sqlite:  # a one-off bulk load of consistent rows: skip per-row foreign-key checks and fsyncs
            for pragma in ("foreign_keys=OFF", "synchronous=OFF", "cache_size=-262144"):
                conn.exec_driver_sql(f"PRAGMA {pragma}")
        else:  # the same on PostgreSQL (needs a superuser; otherwise the load is only slower)
            try:
                with conn.begin_nested():
                    conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
                    conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
            except sa.exc.DBAPIError:
                pass
        course_id, program_id, lessons, questions = _catalog(conn)
        by_domain: dict[str, list] = defaultdict(list)
        checks: dict[int, list] = defaultdict(list)
        for q in questions:
            by_domain[q[2]].append(q)
            if q[5] and q[4]:
                checks[q[4]].append(q)
        checked_lessons = sorted(checks)
        users, hours, progress, clocks = [], [], [], []
        hashed = hash_password(PASSWORD)
        users.append((1, INSTRUCTOR_EMAIL, INSTRUCTOR_EMAIL, "Bench Instructor", hashed, "instructor", True, 1,
                      when(now - timedelta(days=400))))
        ability = {}
        last_seen = {}
        for uid in range(2, learners + 2):
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {uid:05d}"
            email = f"learner{uid:05d}@example.com"
            joined = now - timedelta(days=rng.uniform(20, 200))
            users.append((uid, email, email, name, hashed, "learner", True, 1, when(joined)))
            ability[uid] = rng.uniform(0.35, 0.92)
            # A few learners stopped more than two weeks ago; most are active.
            last_seen[uid] = now - timedelta(days=rng.uniform(15, 60) if rng.random() < 0.2 else rng.uniform(0, 13))
            _study(uid, joined, last_seen[uid], lessons, course_id, rng, hours, progress, clocks, when, day)
        bulk_insert(conn, "users", ["id", "email", "email_normalized", "name", "password_hash", "role", "active",
                                    "session_version", "created_at"], users)
        bulk_insert(conn, "hours_entries", ["user_id", "seq", "course_id", "lesson_id", "seconds", "source", "reason",
                                            "recorded_by", "occurred_on", "started_at", "ended_at", "created_at",
                                            "prev_hash", "hash"], hours)
        bulk_insert(conn, "lesson_progress", ["user_id", "lesson_id", "course_id", "engaged_seconds", "first_at",
                                              "last_at"], progress)
        bulk_insert(conn, "engagement_clocks", ["user_id", "version", "last_beat_at", "day", "day_seconds",
                                                "open_lesson_id", "open_day", "open_seconds", "open_started_at",
                                                "open_last_credit_at", "ledger_seq", "ledger_hash", "ledger_seconds"],
                    clocks)

        attempt_rows, item_rows = [], []
        owners = rng.choices(range(2, learners + 2), k=attempts)
        modes = rng.choices(list(MODES), weights=[share for share, _ in MODES.values()], k=attempts)
        for attempt_id, (uid, mode) in enumerate(zip(owners, modes, strict=True), start=1):
            joined_days = max(1.0, (last_seen[uid] - (now - timedelta(days=200))).days)
            created = last_seen[uid] - timedelta(days=rng.uniform(0, joined_days), minutes=rng.uniform(0, 600))
            lesson_id, domain = None, None
            if mode == "check":
                lesson_id = rng.choice(checked_lessons)
                drawn = checks[lesson_id]
            elif mode == "practice":
                domain = rng.choice(list(by_domain))
                drawn = rng.sample(by_domain[domain], MODES[mode][1])
            else:
                drawn = rng.sample(questions, MODES[mode][1])
            closed = rng.random() < 0.97
            right = scored = 0
            domains: dict[str, list[int]] = {}
            for position, q in enumerate(drawn, start=1):
                is_scored = not (mode == "mock" and position % 10 == 0)  # 15 unscored pretest items
                correct = (rng.random() < ability[uid]) if closed else None
                if closed and is_scored:
                    right += correct
                    scored += 1
                    counts = domains.setdefault(q[2], [0, 0])
                    counts[0] += correct
                    counts[1] += 1
                item_rows.append((attempt_id, position, 1 if position <= 75 else 2, q[0], q[1], q[3], q[2], is_scored,
                                  "[]", "[]", correct))
            score = round(100 * right / scored, 1) if closed and scored else None
            passed = (score >= 70) if score is not None and mode in ("check", "final", "mock") else None
            result = json.dumps({"score_percent": score, "correct": right, "scored": scored, "passed": passed,
                                 "domains": {k: {"percent": round(100 * c / n, 1), "correct": c, "total": n}
                                             for k, (c, n) in domains.items()}}) if closed else None
            closed_at = created + timedelta(minutes=MODES[mode][1] * rng.uniform(0.5, 1.5)) if closed else None
            attempt_rows.append((attempt_id, uid, program_id, course_id if mode in ("check", "final") else None,
                                 lesson_id, mode, domain, "closed" if closed else "open", when(created),
                                 when(closed_at) if closed_at else None, "submitted" if closed else None, score,
                                 passed, result, 0))
        bulk_insert(conn, "attempts", ["id", "user_id", "program_id", "course_id", "lesson_id", "mode", "domain",
                                       "status", "created_at", "closed_at", "close_reason", "score_percent", "passed",
                                       "result", "locked_section"], attempt_rows)
        bulk_insert(conn, "attempt_items", ["attempt_id", "position", "section", "question_id", "question_key",
                                            "version_id", "domain", "scored", "option_order", "choice_order",
                                            "correct"], item_rows)
        if not sqlite:
            for table in ("users", "attempts"):
                conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                     f"(SELECT max(id) FROM {table}))"))
    snapshots = _snapshot_readiness(now)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("ANALYZE" if sqlite else "VACUUM ANALYZE"))  # as autovacuum would have by now
    return {"learners": learners, "attempts": len(attempt_rows), "attempt_items": len(item_rows),
            "hours_entries": len(hours), "lesson_progress": len(progress), "readiness_snapshots": snapshots}


def _snapshot_readiness(now: datetime) -> int:
    """Store every learner's readiness snapshot in bulk, as closing their attempts would have."""
    from learnpm.extensions import db
    from learnpm.reports.readiness_store import refresh_all

    written = refresh_all(now)
    db.session.commit()
    return written


def _study(uid, joined, last_seen, lessons, course_id, rng, hours, progress, clocks, when, day) -> None:
    """Add a learner's lesson study: progress rows, their ledger entries, maybe live sessions and an open record."""
    studied = rng.sample(lessons, rng.randint(0, len(lessons)))
    span = max(60.0, (last_seen - joined).total_seconds())
    seq, total, last = 0, 0, None
    for lesson_id, minutes in studied:
        engaged = int(minutes * 60 * rng.uniform(0.4, 1.0))
        ended = joined + timedelta(seconds=rng.uniform(0, span))
        begun = ended - timedelta(seconds=engaged)
        seq += 1
        total += engaged
        last = max(last or ended, ended)
        hours.append((uid, seq, course_id, lesson_id, engaged, "engagement", "", "learnpm", day(ended), when(begun),
                      when(ended), when(ended), ZERO_HASH, ZERO_HASH))
        progress.append((uid, lesson_id, course_id, engaged, when(begun), when(ended)))
    if rng.random() < 0.3:
        for _ in range(rng.randint(1, 3)):
            seq += 1
            total += 5400
            held = joined + timedelta(seconds=rng.uniform(0, span))
            hours.append((uid, seq, course_id, None, 5400, "live", "Live class", INSTRUCTOR_EMAIL, day(held), None,
                          None, when(held), ZERO_HASH, ZERO_HASH))
    open_lesson = rng.choice(lessons)[0] if studied and rng.random() < 0.05 else None
    open_at = last_seen if open_lesson else None
    clocks.append((uid, 1, when(last) if last else None, day(last) if last else None, 0, open_lesson,
                   day(open_at) if open_at else None, rng.randint(60, 600) if open_lesson else 0,
                   when(open_at - timedelta(minutes=5)) if open_at else None, when(open_at) if open_at else None,
                   seq, ZERO_HASH, total))
