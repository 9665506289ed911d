"""`learnpm content ...`: check, import, stats and export of the content tree."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from learnpm.extensions import db
from learnpm.lessons.exporter import export_content
from learnpm.lessons.importer import import_tree
from learnpm.lessons.lint import check_content, errors
from learnpm.quizzes import cueing
from learnpm.quizzes.bankexport import export_banks
from learnpm.quizzes.bankfile import POOLS
from learnpm.timeutil import utcnow

PROGRESS_BAR_FROM = 50  # lessons; smaller imports finish before a bar is worth drawing

content_cli = AppGroup("content", help="Check, import and export lessons and question banks.")


def _root(path: str | None) -> Path:
    return Path(path or current_app.config["LEARNPM_CONTENT_DIR"])


def _print_problems(problems) -> None:
    for p in problems:
        label = "warning: " if p.severity == "warning" else ""
        click.echo(f"{p.path}:{p.line}: {label}{p.message}", err=p.severity == "error")


@content_cli.command("check")
@click.argument("path", required=False)
def check(path: str | None) -> None:
    """Validate content; exit 1 with file:line messages on any error."""
    tree, problems = check_content(_root(path))
    _print_problems(problems)
    found = errors(problems)
    if found:
        raise SystemExit(1)
    click.echo(f"ok: {len(tree.courses)} course(s), {len(tree.lessons)} lesson(s), "
               f"{sum(len(b.questions) for b in tree.banks)} question(s), "
               f"{len(problems)} warning(s)")


@content_cli.command("import")
@click.argument("path", required=False)
def import_(path: str | None) -> None:
    """Import content in one transaction (all or nothing); print what changed."""
    tree, problems = check_content(_root(path))
    _print_problems(problems)
    if errors(problems):
        click.echo("nothing imported: fix the errors above first", err=True)
        raise SystemExit(1)
    try:
        with click.progressbar(length=len(tree.lessons), label="importing lessons",
                               hidden=len(tree.lessons) < PROGRESS_BAR_FROM) as bar:
            report = import_tree(tree, progress=lambda _name: bar.update(1))
        _refresh_readiness(report.changed_programs)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    if report.nothing_changed:
        click.echo(f"no changes ({report.unchanged} item(s) already up to date)")
        return
    for label, items in (("added", report.added), ("changed", report.changed), ("retired", report.retired)):
        for item in items:
            click.echo(f"{label}: {item}")
    click.echo(f"{len(report.added)} added, {len(report.changed)} changed, {len(report.retired)} retired, "
               f"{report.unchanged} unchanged")


def _refresh_readiness(keys: list[str]) -> None:
    """A program whose domains or weights changed gets its learners' stored readiness recomputed."""
    from learnpm.lessons.models import Program
    from learnpm.reports import readiness_store

    for program_id in db.session.scalars(select(Program.id).where(Program.key.in_(keys))) if keys else []:
        readiness_store.refresh_program(program_id, utcnow())


@content_cli.command("stats")
@click.argument("path", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object and nothing else.")
def stats(path: str | None, as_json: bool) -> None:
    """Count courses, lessons, rated minutes and questions (by domain)."""
    tree, _problems = check_content(_root(path))
    lessons = [lesson for lesson in tree.lessons if not lesson.doc.error and not lesson.doc.meta.get("draft")]
    questions = [q for bank in tree.banks for q in bank.questions]
    by_domain = Counter(q.domain for q in questions if q.domain)
    mock_items = Counter(q.domain for q in questions if q.domain and q.pool == "exam" and not q.check)
    share = cueing.key_longest_share(questions)
    figures = {
        "courses": len(tree.courses),
        "lessons": len(lessons),
        "rated_minutes": sum(lesson.doc.meta.get("duration", 0) for lesson in lessons
                             if isinstance(lesson.doc.meta.get("duration"), int)),
        "questions": sum(len(bank.questions) for bank in tree.banks),
        "questions_by_domain": dict(sorted(by_domain.items())),
        "questions_by_pool": {pool: sum(q.pool == pool for q in questions) for pool in POOLS},
        "mock_items_by_domain": dict(sorted(mock_items.items())),
        "questions_by_type": dict(sorted(Counter(q.type for q in questions if q.type).items())),
        "key_longest_share": round(share, 3) if share is not None else None,
    }
    if as_json:
        click.echo(json.dumps(figures))
    else:
        for key, value in figures.items():
            click.echo(f"{key}: {value}")


@content_cli.command("export")
@click.argument("path")
def export(path: str) -> None:
    """Write the database's content (browser edits included) as files under PATH."""
    count = export_content(db.session, Path(path))
    banks, skipped = export_banks(db.session, Path(path))
    for line in skipped:
        click.echo(f"not written: {line}")
    click.echo(f"wrote {count + banks} file(s) under {path}")
