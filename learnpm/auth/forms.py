"""Account forms."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from learnpm.auth.passwords import MAX_LENGTH, MIN_LENGTH


def _strip(value):
    return value.strip() if isinstance(value, str) else value


_password_length = Length(
    min=MIN_LENGTH, max=MAX_LENGTH, message=f"Use {MIN_LENGTH} to {MAX_LENGTH} characters."
)


class RegisterForm(FlaskForm):
    name = StringField("Full name (as it should appear on certificates)", filters=[_strip],
                       validators=[DataRequired("Enter your name."), Length(max=120)])
    email = EmailField("Email", filters=[_strip], validators=[
        DataRequired("Enter your email address."), Length(max=254),
        Email("Enter a valid email address, like name@example.com.", check_deliverability=False),
    ])
    password = PasswordField("Password", validators=[DataRequired("Choose a password."), _password_length],
                             description=f"At least {MIN_LENGTH} characters. "
                                         "A few unrelated words work well.")
    confirm = PasswordField("Repeat the password", validators=[
        DataRequired("Repeat the password."), EqualTo("password", "The two passwords differ."),
    ])


class LoginForm(FlaskForm):
    email = EmailField("Email", filters=[_strip],
                       validators=[DataRequired("Enter your email address."), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password."),
                                                     Length(max=MAX_LENGTH)])


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired("Enter your current password."),
                                                            Length(max=MAX_LENGTH)])
    new = PasswordField("New password", validators=[DataRequired("Choose a new password."), _password_length])
    confirm = PasswordField("Repeat the new password", validators=[
        DataRequired("Repeat the new password."), EqualTo("new", "The two passwords differ."),
    ])


class ForgotForm(FlaskForm):
    email = EmailField("Email", filters=[_strip],
                       validators=[DataRequired("Enter your email address."), Length(max=254)])


class NewPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired("Choose a password."), _password_length],
                             description=f"At least {MIN_LENGTH} characters. A few unrelated words work well.")
    confirm = PasswordField("Repeat the password", validators=[
        DataRequired("Repeat the password."), EqualTo("password", "The two passwords differ."),
    ])


class NameForm(FlaskForm):
    name = StringField("Full name (as it should appear on certificates)", filters=[_strip],
                       validators=[DataRequired("Enter your name."), Length(max=120)])


class EmailChangeForm(FlaskForm):
    email = EmailField("New email address", filters=[_strip], validators=[
        DataRequired("Enter the new address."), Length(max=254),
        Email("Enter a valid email address, like name@example.com.", check_deliverability=False),
    ])
