"""In-process timings (medians in ms): grading a 150-question mock exam, rendering one certificate PDF."""

from __future__ import annotations

import random
import statistics
import time
from datetime import date
from pathlib import Path

from learnpm.lessons.lint import check_content
from learnpm.lessons.rendering import fragment_renderer
from learnpm.quizzes.bankimport import version_content
from learnpm.quizzes.grading import GradedItem, grade
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


def grade_mock_ms(runs: int = 50) -> float:
    """Grade 150 shipped questions, answered at random (about half right), as a mock exam."""
    tree, _problems = check_content(ROOT / "content")
    program = tree.programs["capm"]
    render = fragment_renderer()
    rng = random.Random(7)
    questions = [q for bank in tree.banks for q in bank.questions]
    items = []
    for n, q in enumerate(rng.sample(questions, 150)):
        content = version_content(q, render)
        key = question_type(q.type).key(content)
        answer = key if rng.random() < 0.55 else None
        items.append(GradedItem(q.id, q.domain, n % 10 != 0, content, answer))
    return median_ms(lambda: grade(items, program.rating_for, 70, program.domain_keys()), runs)


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
