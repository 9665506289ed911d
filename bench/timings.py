"""In-process timings (medians in ms): grading a 150-question mock exam, rendering one certificate PDF."""

from __future__ import annotations

import random
import statistics
import time
from datetime import date
from pathlib import Path

from learnpm.quizzes.types import question_type

ROOT = Path(__file__).resolve().parent.parent


def median_ms(action, runs: int) -> float:
    action()  # warm up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 2)


def grade_mock_ms(database_url: str | None = None, runs: int = 30) -> float:
    """Close and grade a 150-question mock exam from its stored answers, as submitting does.

    On a temporary SQLite file, or at `database_url` (whose public schema is DROPPED and rebuilt).
    The whole service path: load the items, versions and answers, grade, write each item's result and
    the attempt's; each run is rolled back so the same open attempt is graded again.
    """
    import os
    import tempfile

    from flask_migrate import upgrade

    from learnpm import create_app
    from learnpm.auth.models import User
    from learnpm.extensions import db
    from learnpm.quizzes import answering, presenters, services
    from learnpm.quizzes.models import Attempt
    from learnpm.timeutil import utcnow

    with tempfile.TemporaryDirectory() as tmp:
        if database_url:
            from bench.run import reset_postgres

            reset_postgres(database_url)
        app = create_app({"SECRET_KEY": "t" * 40, "LEARNPM_INSTANCE_PATH": tmp, "SQLALCHEMY_DATABASE_URI":
                          database_url or f"sqlite:///{os.path.join(tmp, 'grade.sqlite3')}"})
        with app.app_context():
            upgrade()
            app.test_cli_runner().invoke(args=["content", "import", str(ROOT / "content")])
            user = User(email="g@example.com", email_normalized="g@example.com", name="G", password_hash="x")
            db.session.add(user)
            db.session.commit()
            attempt = services.start_attempt(user, services.StartRequest(mode="mock"), utcnow())
            rng = random.Random(7)
            for item in attempt.items:
                content = item.version.content
                key = presenters.to_public(question_type(content["type"]).key(content), content,
                                           presenters.opaque_ids(attempt.salt, item.question_key, content))
                if rng.random() < 0.9:
                    answering.save_answer(user, attempt.id, item.question_key, key if rng.random() < 0.6 else None,
                                         False, utcnow())
            db.session.commit()
            attempt_id = attempt.id

            def close() -> None:
                services.close(db.session.get(Attempt, attempt_id), "submitted", utcnow())
                db.session.rollback()

            if os.environ.get("PROFILE"):
                from pyinstrument import Profiler

                profiler = Profiler()
                profiler.start()
                for _ in range(10):
                    close()
                profiler.stop()
                print(profiler.output_text(color=False, unicode=False))
            figure = median_ms(close, runs)
            db.session.remove()
            db.engine.dispose()
    return figure


def certificate_pdf_ms(runs: int = 20) -> float:
    from learnpm.certificates.pdf import CertificateSnapshot, render_certificate

    modules = [("Foundations of project work", 6.1), ("Planning the work", 6.0), ("People and roles", 4.5),
               ("Executing the plan and solving problems", 4.4), ("Predictive, plan-based delivery", 5.2)]
    counter = iter(range(1_000_000))

    def render() -> None:
        n = next(counter)  # a new snapshot each time: no caching of one certificate's bytes
        render_certificate(CertificateSnapshot(
            code=f"LPM-BNCH-{n:04d}-TEST", learner_name="Zoë Łukasiewicz-Müller",
            course_title="CAPM Exam Prep: Project Management Fundamentals for Technical Teams",
            program_title="Certified Associate in Project Management (CAPM)", provider_name="learnpm",
            provider_number=None, contact_hours=26.2, started_on=date(2026, 9, 1), completed_on=date(2026, 11, 20),
            issued_on=date(2026, 11, 25), modules=modules, signatory_name="Ada Admin",
            signatory_title="Director of Education", verify_url=f"https://learn.example.org/verify/LPM-{n}"))

    return median_ms(render, runs)
