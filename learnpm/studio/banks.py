"""Question banks in the browser (/instructor/banks): filter, create, edit with live preview, retire, restore."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from learnpm.auth.decorators import instructor_required
from learnpm.errors import DomainError
from learnpm.extensions import db
from learnpm.lessons.models import Course, Program
from learnpm.quizzes import editing
from learnpm.quizzes.editing import Draft, Filters
from learnpm.reports import items
from learnpm.studio.forms import BankForm, QuestionForm

bp = Blueprint("banks", __name__, url_prefix="/instructor/banks")
FILTER_KEYS = ("bank", "domain", "task", "type", "pool", "difficulty", "retired", "q", "category", "course")


def flagged_keys() -> dict[str, list[str]]:
    """The item statistics' flags of each question's current version, over every course (cached analyses)."""
    cache = current_app.extensions.setdefault("learnpm.item_reports", {})
    flags: dict[str, list[str]] = {}
    for course in db.session.scalars(select(Course)):
        for row in items.item_report(course, False, cache=cache).rows:
            if row.current and row.stats.flags:
                flags.setdefault(row.key, row.stats.flags)
    return flags


def _domains() -> list[tuple[str, list]]:
    return [(program.title, program.rules.domains) for program in db.session.scalars(select(Program))]


@bp.get("")
@instructor_required
def index():
    args = {key: request.args.get(key, "").strip()[:500] for key in FILTER_KEYS}
    course_slug = args.pop("course")
    filters = Filters(**args, flagged=request.args.get("flagged") == "1")
    flags = flagged_keys() if filters.flagged else None
    page = request.args.get("page", 1, type=int) or 1
    rows, total = editing.list_questions(filters, set(flags or ()), page=max(page, 1), course=course_slug)
    return render_template("studio/banks.html", rows=rows, total=total, filters=filters, course=course_slug,
                           flags=flags or {}, page=page, paging={k: v for k, v in request.args.items() if k != "page"},
                           page_size=editing.PAGE_SIZE, domains=_domains(),
                           bank_form=BankForm(formdata=None), courses=db.session.scalars(
                               select(Course).order_by(Course.title)).all(), **editing.choices())


@bp.post("/create")
@instructor_required
def create_bank():
    form = BankForm()
    if not form.validate_on_submit():
        flash("Not created: " + "; ".join(m for errors in form.errors.values() for m in errors), "error")
        return redirect(url_for(".index")), 303
    try:
        bank = editing.create_bank(current_user, slug=form.slug.data, title=form.title.data,
                                   course_slug=form.course.data)
    except DomainError as exc:
        db.session.rollback()
        flash("Not created: " + exc.message, "error")
        return redirect(url_for(".index")), 303
    db.session.commit()
    flash(f"Bank {bank.slug} created: add its first question.", "success")
    return redirect(url_for(".new_question", bank=bank.slug))


def _draft(form: QuestionForm) -> Draft:
    return Draft(bank=form.bank.data or "", key=form.key.data or "", type=form.type.data or "single",
                 domain=form.domain.data or "", task=(form.task.data or "").strip(),
                 difficulty=form.difficulty.data or "medium", lesson=form.lesson.data or "",
                 check=bool(form.check.data), pool=form.pool.data or "exam", image=form.image.data or "",
                 body=form.body.data or "")


def _editor(form: QuestionForm, draft: Draft, *, question=None, content=None, problems=(), warnings=(),
            preview=None, status=200):
    if preview is None:
        checked, _bank = editing.check_draft(draft, existing=question, existing_content=content)
        preview = _preview_context(checked)
    return render_template("studio/question.html", form=form, draft=draft, question=question, content=content,
                           problems=problems, warnings=warnings, preview=preview, domains=_domains(),
                           templates=editing.TEMPLATES, **editing.choices()), status


def _preview_context(checked) -> dict:
    content = editing.preview_content(checked.question) if checked.question is not None else None
    return {"content": content, "errors": checked.errors, "warnings": checked.warnings}


def _save(form: QuestionForm, question=None, content=None):
    """Save, or show the preview only (the no-script 'Preview' button), or show why it was refused."""
    if not form.validate():
        return _editor(form, _draft(form), question=question, content=content,
                       problems=[m for errors in form.errors.values() for m in errors], status=422)
    draft = _draft(form)
    if request.form.get("action") == "preview":
        return _editor(form, draft, question=question, content=content)
    try:
        outcome, warnings = editing.save(draft, current_user, existing=question)
    except DomainError as exc:
        db.session.rollback()
        problems = (exc.detail or {}).get("problems", [exc.message]) if isinstance(exc.detail, dict) else [exc.message]
        return _editor(form, draft, question=question, content=content, problems=problems, status=422)
    db.session.commit()
    key = question.key if question else draft.key.strip()
    saved, _bank, _content = editing.get_question(key)
    message = {"added": f"Question {key} created (version 1).",
               "changed": f"Saved as version {saved.version} of {key}.",
               "unchanged": "No changes to save."}[outcome]
    flash(message, "success")
    for warning in warnings:
        flash(f"Warning (content check would warn too): {warning}", "warning")
    return redirect(url_for(".edit_question", key=key))


@bp.route("/questions/new", methods=["GET", "POST"])
@instructor_required
def new_question():
    form = QuestionForm()
    if form.is_submitted():
        return _save(form)
    kind = request.args.get("type", "single")
    kind = kind if kind in editing.TEMPLATES else "single"
    form.type.data, form.body.data = kind, editing.TEMPLATES[kind]
    form.bank.data, form.difficulty.data, form.pool.data = request.args.get("bank", "")[:100], "medium", "exam"
    return _editor(form, _draft(form), preview={"content": None, "errors": [], "warnings": []})


@bp.route("/questions/<key>/edit", methods=["GET", "POST"])
@instructor_required
def edit_question(key: str):
    question, bank, content = editing.get_question(key)
    form = QuestionForm()
    if form.is_submitted():
        form.bank.data, form.key.data = bank.slug, question.key  # neither changes in an edit
        return _save(form, question, content)
    draft = editing.draft_of(question, bank, content)
    for name in ("bank", "key", "type", "domain", "task", "difficulty", "lesson", "check", "pool", "image", "body"):
        getattr(form, name).data = getattr(draft, name)
    return _editor(form, draft, question=question, content=content)


@bp.post("/questions/<key>/<any(retire, restore):action>")
@instructor_required
def retire_question(key: str, action: str):
    if not FlaskForm().validate_on_submit():
        abort(400)
    question, _bank, _content = editing.get_question(key)
    editing.set_retired(question, current_user, action == "retire")
    db.session.commit()
    flash(f"Question {key} " + ("retired: no quiz draws it again; its answers and statistics stay."
                                if action == "retire" else "restored."), "success")
    return redirect(url_for(".edit_question", key=key))


@bp.post("/preview")
@instructor_required
def preview():
    """Render a draft as the learner will see it, with what content check says (an HTML fragment)."""
    form = QuestionForm()
    if not form.validate():
        errors = [m for errs in form.errors.values() for m in errs]
        return render_template("studio/_preview.html", preview={"content": None, "errors": errors, "warnings": []}), 422
    question = content = None
    if (key := request.form.get("existing", "")) and "\x00" not in key:
        try:
            question, _bank, content = editing.get_question(key)
        except DomainError:
            question = None
    checked, _bank = editing.check_draft(_draft(form), existing=question, existing_content=content)
    return render_template("studio/_preview.html", preview=_preview_context(checked))
