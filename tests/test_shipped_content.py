"""The shipped curriculum: it checks clean, meets the issue's figures, and supports a full mock exam."""

import json
from pathlib import Path

from learnpm.quizzes.services import StartRequest, start_attempt
from learnpm.timeutil import utcnow

CONTENT = Path(__file__).resolve().parents[1] / "content"


def test_stats_meet_the_curriculum_targets(runner):
    stats = json.loads(runner.invoke(args=["content", "stats", str(CONTENT), "--json"]).output)
    assert stats["lessons"] >= 30 and stats["rated_minutes"] >= 1560 and stats["questions"] >= 400
    weights = {"fundamentals": 36, "predictive": 17, "agile": 20, "business-analysis": 27}
    for domain, weight in weights.items():
        share = 100 * stats["questions_by_domain"][domain] / stats["questions"]
        assert abs(share - weight) <= 6, (domain, share)


def test_a_full_mock_exam_and_the_final_assessment_draw_without_repeats(runner, learner):
    result = runner.invoke(args=["content", "import", str(CONTENT)])
    assert result.exit_code == 0, result.output
    mock = start_attempt(learner, StartRequest(mode="mock"), utcnow())
    keys = [item.question_key for item in mock.items]
    assert len(keys) == 150 and len(set(keys)) == 150
    assert sum(not item.scored for item in mock.items) == 15
    final = start_attempt(learner, StartRequest(mode="final"), utcnow())
    assert len({item.question_key for item in final.items}) == 50
