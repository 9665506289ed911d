"""The browser's bank import: upload, a dry-run report, then a confirm step that imports in one transaction.

The upload waits server-side (ImportUpload, keyed by the sha256 of its bytes and the instructor), so the
confirm step imports exactly the file the dry run read; the options shown travel signed with the digest.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import delete, select
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from learnpm.auth.decorators import instructor_required
from learnpm.errors import DomainError
from learnpm.extensions import db
from learnpm.lessons.models import Program
from learnpm.quizzes.importing import (
    FORMAT_LABELS,
    FORMATS,
    REFUSED,
    STATUSES,
    ImportRequest,
    apply_import,
    parse_mapping,
    plan_import,
    upload_digest,
)
from learnpm.quizzes.models import ImportUpload

bp = Blueprint("bank_import", __name__, url_prefix="/instructor/banks/import")
MAPPING_HINT = "One a line: CATEGORY=DOMAIN or CATEGORY=DOMAIN:TASK (a category covers its subcategories)."


class ImportForm(FlaskForm):
    file = FileField("Question file")
    bank = StringField("Bank", filters=[lambda v: v.strip().lower() if isinstance(v, str) else v],
                       validators=[DataRequired("Name the bank (created if it does not exist)."), Length(max=60)],
                       description="Lowercase letters, digits and '-', for example moodle-pm.")
    format = SelectField("Format", choices={key: FORMAT_LABELS[key] for key in FORMATS})
    program = SelectField("Program", validators=[Optional()])
    domain = SelectField("Default domain", validators=[Optional()],
                         description="For questions whose category maps to no domain.")
    mapping = TextAreaField("Category mapping", validators=[Optional(), Length(max=20_000)],
                            description=MAPPING_HINT)


class ConfirmForm(FlaskForm):
    upload = HiddenField(validators=[DataRequired(), Length(min=64, max=64)])
    bank = HiddenField(validators=[DataRequired(), Length(max=60)])
    format = HiddenField(validators=[DataRequired(), Length(max=20)])
    program = HiddenField(validators=[Length(max=60)])
    domain = HiddenField(validators=[Length(max=60)])
    mapping = HiddenField(validators=[Length(max=20_000)])
    token = HiddenField(validators=[DataRequired(), Length(max=64)])


def _programs() -> list[Program]:
    return list(db.session.scalars(select(Program).order_by(Program.key)))


def _import_form(bound: bool = True) -> ImportForm:
    form = ImportForm() if bound else ImportForm(formdata=None)
    programs = _programs()
    form.program.choices = {p.key: p.title for p in programs}
    form.domain.choices = {"": "None: such questions are not importable",
                           **{d["key"]: d.get("title", d["key"]) for p in programs for d in p.rules.domains}}
    return form


def _token(values: list[str]) -> str:
    """Sign the confirm step's values for this instructor, so it imports what the dry run showed."""
    key = current_app.config["SECRET_KEY"].encode()
    message = json.dumps([current_user.id, *values]).encode("utf-8", "surrogatepass")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _values(form: ImportForm | ConfirmForm) -> list[str]:
    """Return the import's options as the strings the confirm step signs."""
    return [form.bank.data or "", form.format.data or "", form.program.data or "", form.domain.data or "",
            form.mapping.data or ""]


def _request(bank: str, fmt: str, program: str, domain: str, mapping: str) -> ImportRequest:
    return ImportRequest(bank=bank, format=fmt, program=program or None, domain=domain or None,
                         mapping=parse_mapping(mapping.splitlines()))


def _page(form: ImportForm, status: int = 200, **context):
    return render_template("quizzes/import.html", form=form, statuses=STATUSES, refused=REFUSED, labels=FORMAT_LABELS,
                           one_program=len(form.program.choices) == 1, **context), status


@bp.get("")
@instructor_required
def upload_form():
    return _page(_import_form())


@bp.post("")
@instructor_required
def dry_run():
    """Read the upload, keep it server-side under its hash and show what importing it would do."""
    form = _import_form()
    if not form.validate_on_submit():
        return _page(form, 422)
    upload = request.files.get("file")
    data = upload.read() if upload else b""
    if not data:
        form.file.errors = ["Choose a file to import."]
        return _page(form, 422)
    values = _values(form)
    try:
        report = plan_import(data, _request(*values), (upload.filename or "upload")[:255])
    except DomainError as exc:
        db.session.rollback()
        form.form_errors.append(exc.message)
        return _page(form, 422)
    db.session.rollback()  # the plan only read; nothing of it is kept
    db.session.execute(delete(ImportUpload).where(ImportUpload.user_id == current_user.id))
    db.session.add(ImportUpload(digest=report.digest, user_id=current_user.id, filename=report.path, data=data))
    db.session.commit()
    confirm = None
    if report.importable:
        confirm = ConfirmForm(formdata=None, upload=report.digest, bank=values[0], format=values[1],
                              program=values[2], domain=values[3], mapping=values[4],
                              token=_token([report.digest, *values]))
    return _page(form, 200, report=report, confirm=confirm)


@bp.post("/confirm")
@instructor_required
def confirm():
    """Import the waiting upload with the options of its dry run, in one transaction."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    values = _values(form)
    if not hmac.compare_digest(form.token.data, _token([form.upload.data, *values])):
        abort(400)
    waiting = db.session.get(ImportUpload, (form.upload.data, current_user.id))
    if waiting is None or upload_digest(waiting.data) != waiting.digest:
        return _page(_import_form(bound=False), 409,
                     gone="This upload is no longer waiting (it was imported, or replaced by a newer one). "
                          "Upload the file again.")
    try:
        report = apply_import(waiting.data, _request(*values), waiting.filename)
    except DomainError as exc:
        db.session.rollback()
        return _page(_import_form(bound=False), 422, gone=exc.message)
    db.session.delete(waiting)
    db.session.commit()
    return _page(_import_form(bound=False), 200, report=report)
