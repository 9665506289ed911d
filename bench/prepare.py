"""Prepare a benchmark database (run with the bench's environment): migrate, import content, add learners."""

import sys

from flask_migrate import upgrade

from learnpm import create_app
from learnpm.auth.models import User, normalize_email
from learnpm.auth.passwords import hash_password
from learnpm.extensions import db


def main(learners: int, password: str, prefix: str = "bench", content: bool = True) -> None:
    app = create_app()
    with app.app_context():
        upgrade()
        if content:
            result = app.test_cli_runner().invoke(args=["content", "import", "content"])
            if result.exit_code:
                sys.exit(result.output)
        hashed = hash_password(password)
        for i in range(learners):
            email = f"{prefix}{i}@example.com"
            db.session.add(User(email=email, email_normalized=normalize_email(email), name=f"Learner {prefix} {i}",
                                password_hash=hashed, role="learner"))
        db.session.commit()


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], *sys.argv[3:4], content="--no-content" not in sys.argv)
