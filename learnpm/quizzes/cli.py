"""`learnpm questions ...` (import GIFT, Aiken, Moodle XML and bank files; export GIFT) and `attempts close-expired`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from learnpm.errors import ValidationError
from learnpm.extensions import db
from learnpm.quizzes import services
from learnpm.quizzes.bankfile import Option, ParsedQuestion
from learnpm.quizzes.importing import (
    FORMATS,
    MAX_UPLOAD_BYTES,
    REFUSED,
    ImportRequest,
    apply_import,
    parse_mapping,
    plan_import,
)
from learnpm.quizzes.interchange import to_gift
from learnpm.quizzes.models import Question, QuestionBank, QuestionVersion
from learnpm.timeutil import now

questions_cli = AppGroup("questions", help="Import and export question banks (Moodle GIFT, Aiken).")
attempts_cli = AppGroup("attempts", help="Quiz attempts.")


def _read(file: str) -> bytes:
    path = Path(file)
    if path.stat().st_size > MAX_UPLOAD_BYTES:
        raise click.ClickException(f"{file} is larger than {MAX_UPLOAD_BYTES // 1024 // 1024} MB.")
    return path.read_bytes()


def _run_import(file: str, request: ImportRequest, dry_run: bool) -> None:
    """Plan or apply an import in one transaction, print its report (the summary line last)."""
    try:
        report = (plan_import if dry_run else apply_import)(_read(file), request, file)
    except ValidationError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    click.echo("\n".join(report.text_lines()))
    if report.count(REFUSED):
        raise SystemExit(1)


@questions_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--bank", "bank_slug", required=True, help="Bank slug (created if needed).")
@click.option("--format", "fmt", required=True, type=click.Choice(FORMATS), help="The file's format.")
@click.option("--domain", help="Domain for questions whose category maps to none.")
@click.option("--program", "program_key", help="Program key (default: the only one).")
@click.option("--dry-run", is_flag=True, help="Report what would change and change nothing.")
@click.option("--map", "maps", multiple=True, metavar="CATEGORY=DOMAIN[:TASK]",
              help="Map a Moodle category (and its subcategories) to a domain and task; repeatable.")
def import_file(file: str, bank_slug: str, fmt: str, domain: str | None, program_key: str | None, dry_run: bool,
                maps: tuple[str, ...]) -> None:
    """Import a GIFT, Aiken, Moodle XML or learnpm bank file, reporting every question by what happens to it."""
    try:
        mapping = parse_mapping(maps)
    except ValidationError as exc:
        raise click.ClickException(exc.message) from exc
    _run_import(file, ImportRequest(bank_slug, fmt, program_key, domain, mapping), dry_run)


@questions_cli.command("import-gift")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--bank", "bank_slug", required=True, help="Bank slug (created if needed).")
@click.option("--domain", help="Domain for questions whose $CATEGORY names none.")
@click.option("--program", "program_key", help="Program key (default: the only one).")
def import_gift(file: str, bank_slug: str, domain: str | None, program_key: str | None) -> None:
    """Import a Moodle GIFT file (`questions import --format gift`); what cannot be mapped is listed with its line."""
    _run_import(file, ImportRequest(bank_slug, "gift", program_key, domain), dry_run=False)


@questions_cli.command("import-aiken")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--bank", "bank_slug", required=True)
@click.option("--domain", required=True, help="Aiken has no categories: the domain of every question.")
@click.option("--program", "program_key")
def import_aiken(file: str, bank_slug: str, domain: str, program_key: str | None) -> None:
    """Import an Aiken file (simple multiple choice; `questions import --format aiken`)."""
    _run_import(file, ImportRequest(bank_slug, "aiken", program_key, domain), dry_run=False)


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
        .where(Question.bank_id == bank.id, Question.retired.is_(False))
        .order_by(func.coalesce(Question.category, Question.domain), Question.key)).all()
    out.write(to_gift([_parsed(q, v.content) for q, v in rows]))


def _parsed(question: Question, content: dict) -> ParsedQuestion:
    options = [Option(o["id"], o["text"], o["correct"], o["rationale"], match=o.get("match"), region=o.get("region"))
               for o in content["options"]]
    choices = [Option(c["id"], c["text"], False, "") for c in content["choices"]]
    return ParsedQuestion(id=question.key, line=0, type=content["type"], domain=question.domain, task=question.task,
                          difficulty=question.difficulty, lesson=None, check=question.check,
                          pool=question.pool, stem=content["stem"],
                          options=options, choices=choices, answers=content["answers"],
                          explanation=content["explanation"], image=content.get("image"),
                          category=question.category, text_format=content.get("format", "markdown"),
                          tags=list(content.get("tags", [])))


@attempts_cli.command("close-expired")
def close_expired() -> None:
    """Close and grade every attempt past its deadline (run it from cron)."""
    count = services.close_expired(now())
    db.session.commit()
    click.echo(f"Closed {count} expired attempt(s).")
