"""The `learnpm` command: the Flask CLI of create_app."""

from flask.cli import FlaskGroup

from learnpm import create_app


def main() -> None:
    FlaskGroup(create_app=create_app, help="learnpm: CAPM exam prep. Commands per feature.").main()
