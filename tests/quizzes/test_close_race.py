"""An answer save never lands after its attempt was graded: the save waits for a close in progress."""

import threading
import time

import pytest
from sqlalchemy import text

from learnpm.extensions import db
from tests.conftest import IS_POSTGRES, csrf_from

pytestmark = pytest.mark.skipif(
    not IS_POSTGRES, reason="needs PostgreSQL: the race is between row locks of concurrent transactions, and "
                            "SQLite runs one writer at a time; CI runs this on PostgreSQL")


def test_a_save_during_a_close_waits_and_is_refused(client, quiz_imported, learner, login):
    login(learner)
    token = csrf_from(client)
    attempt = client.post("/api/v1/attempts", json={"mode": "custom", "count": 4},
                          headers={"X-CSRFToken": token}).get_json()
    question = next(q for q in attempt["questions"] if q["type"] == "single")
    responses = []

    def save():
        responses.append(client.put(f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}",
                                    json={"answer": question["options"][0]["id"]}, headers={"X-CSRFToken": token}))

    with db.engine.connect() as closing:  # another server closing the attempt: the row is claimed, not committed
        closing.execute(text("UPDATE attempts SET status = 'closing' WHERE id = :id"), {"id": attempt["id"]})
        saver = threading.Thread(target=save)
        saver.start()
        time.sleep(0.5)
        assert saver.is_alive(), "the save did not wait for the close in progress"
        closing.execute(text("UPDATE attempts SET status = 'closed' WHERE id = :id"), {"id": attempt["id"]})
        closing.commit()
    saver.join(timeout=10)
    assert responses[0].status_code == 409, responses[0].get_json()
    stored = db.session.execute(text("SELECT count(*) FROM attempt_answers WHERE attempt_id = :id"),
                                {"id": attempt["id"]}).scalar()
    assert stored == 0
