"""Admin forms (CSRF-checked; the services validate the values)."""

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import AnyOf

from learnpm.auth.models import Role

ROLE_VALUES = [r.value for r in Role]


class RoleForm(FlaskForm):
    role = HiddenField(validators=[AnyOf(ROLE_VALUES)])


class ActiveForm(FlaskForm):
    active = HiddenField(validators=[AnyOf(["0", "1"])])
