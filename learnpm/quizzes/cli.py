"""`learnpm questions ...` (Moodle GIFT and Aiken interchange) and `learnpm attempts close-expired`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from learnpm.extensions import db
from learnpm.lessons.models import Program
from learnpm.quizzes import services
from learnpm.quizzes.bankfile import Option, ParsedQuestion
from learnpm.quizzes.bankimport import get_or_create_bank, upsert_questions
from learnpm.quizzes.interchange import parse_aiken, parse_gift, to_gift
from learnpm.quizzes.models import Question, QuestionBank, QuestionVersion
from learnpm.timeutil import now

questions_cli = AppGroup("questions", help="Import and export question banks (Moodle GIFT, Aiken).")
attempts_cli = AppGroup("attempts", help="Quiz attempts.")
MAX_FILE_BYTES = 5 * 1024 * 1024


def _program(key: str | None) -> Program:
    programs = db.session.scalars(select(Program)).all()
    if key:
        program = next((p for p in programs if p.key == key), None)
        if program is None:
            raise click.ClickException(f"No program {key!r} (import content first).")
        return program
    if len(programs) != 1:
        raise click.ClickException("Name the program with --program." if programs else
                                   "No program yet: run `learnpm content import` first.")
    return programs[0]


def _read(file: str) -> str:
    path = Path(file)
    if path.stat().st_size > MAX_FILE_BYTES:
        raise click.ClickException(f"{file} is larger than 5 MB.")
    return path.read_bytes().decode("utf-8", errors="replace")


def _import(file: str, bank_slug: str, program_key: str | None, parse, source: str) -> None:
    program = _program(program_key)
    questions, problems = parse(_read(file), file)
    for problem in problems:
        label = "warning: " if problem.severity == "warning" else ""
        click.echo(f"{problem.path}:{problem.line}: {label}{problem.message}", err=problem.severity == "error")
    keyed = []
    for q in questions:
        q.id = q.id if q.id.startswith(f"{bank_slug}-") else f"{bank_slug}-{q.id}"
        if q.domain not in program.rules.domain_keys():
            continue  # reported above as a problem of its own
        keyed.append(q)
    bank = get_or_create_bank(bank_slug, bank_slug, program, None, source)
    added, changed, _retired, unchanged = upsert_questions(bank, keyed, {}, retire_missing=False)
    db.session.commit()
    skipped = sum(1 for p in problems if p.severity == "error")
    click.echo(f"bank {bank_slug}: {len(added)} added, {len(changed)} changed, {unchanged} unchanged; "
               f"{skipped} problem(s) listed above were not imported as written")
    if skipped:
        raise SystemExit(1)


@questions_cli.command("import-gift")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--bank", "bank_slug", required=True, help="Bank slug (created if needed).")
@click.option("--domain", help="Domain for questions whose $CATEGORY names none.")
@click.option("--program", "program_key", help="Program key (default: the only one).")
def import_gift(file: str, bank_slug: str, domain: str | None, program_key: str | None) -> None:
    """Import a Moodle GIFT file; what cannot be mapped is listed with its line."""
    program = _program(program_key)
    if domain and domain not in program.rules.domain_keys():
        raise click.ClickException(f"Unknown domain {domain!r} (known: {', '.join(program.rules.domain_keys())}).")
    keys = frozenset(program.rules.domain_keys())
    _import(file, bank_slug, program.key,
            lambda text, path: parse_gift(text, path, default_domain=domain, domain_keys=keys), "gift")


@questions_cli.command("import-aiken")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--bank", "bank_slug", required=True)
@click.option("--domain", required=True, help="Aiken has no categories: the domain of every question.")
@click.option("--program", "program_key")
def import_aiken(file: str, bank_slug: str, domain: str, program_key: str | None) -> None:
    """Import an Aiken file (simple multiple choice)."""
    _import(file, bank_slug, program_key, lambda text, path: parse_aiken(text, path, default_domain=domain), "aiken")


@questions_cli.command("export-gift")
@click.option("--bank", "bank_slug", required=True)
@click.argument("out", type=click.File("w"), default="-")
def export_gift(bank_slug: str, out) -> None:
    """Write a bank's current questions as Moodle GIFT."""
    bank = db.session.scalar(select(QuestionBank).where(QuestionBank.slug == bank_slug))
    if bank is None:
        raise click.ClickException(f"No bank {bank_slug!r}.")
    rows = db.session.execute(select(Question, QuestionVersion).join(
        QuestionVersion, (QuestionVersion.question_id == Question.id) & (QuestionVersion.number == Question.version))
        .where(Question.bank_id == bank.id, Question.retired.is_(False)).order_by(Question.key)).all()
    out.write(to_gift([_parsed(q, v.content) for q, v in rows]))


def _parsed(question: Question, content: dict) -> ParsedQuestion:
    options = [Option(o["id"], o["text"], o["correct"], o["rationale"], match=o.get("match"), region=o.get("region"))
               for o in content["options"]]
    choices = [Option(c["id"], c["text"], False, "") for c in content["choices"]]
    return ParsedQuestion(id=question.key, line=0, type=content["type"], domain=question.domain, task=question.task,
                          difficulty=question.difficulty, lesson=None, check=question.check,
                          pool=question.pool, stem=content["stem"],
                          options=options, choices=choices, answers=content["answers"],
                          explanation=content["explanation"], image=content.get("image"))


@attempts_cli.command("close-expired")
def close_expired() -> None:
    """Close and grade every attempt past its deadline (run it from cron)."""
    count = services.close_expired(now())
    db.session.commit()
    click.echo(f"Closed {count} expired attempt(s).")
