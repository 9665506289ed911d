"""Admin forms (CSRF-checked; the services validate the values)."""

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, Email, Length

from learnpm.auth.models import Role

ROLE_VALUES = [r.value for r in Role]


class RoleForm(FlaskForm):
    role = HiddenField(validators=[AnyOf(ROLE_VALUES)])


class ActiveForm(FlaskForm):
    active = HiddenField(validators=[AnyOf(["0", "1"])])


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class UserForm(FlaskForm):
    """Create (an invitation is mailed) or edit an account."""

    name = StringField("Full name", filters=[_strip], validators=[DataRequired("Enter the name."), Length(max=120)])
    email = EmailField("Email", filters=[_strip], validators=[
        DataRequired("Enter the email address."), Length(max=254),
        Email("Enter a valid email address, like name@example.com.", check_deliverability=False)])
    role = SelectField("Role", choices={r: r.title() for r in ROLE_VALUES}, default="learner",
                       validators=[AnyOf(ROLE_VALUES)])
