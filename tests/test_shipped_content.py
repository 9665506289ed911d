"""The shipped curriculum: it checks clean, meets the issue's figures, and supports a full mock exam."""

import json
import re
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


BRITISH = re.compile(  # the commonest British forms; American English is the exam's (and PMI's) spelling
    r"\b(\w*(organis|prioritis|recognis|visualis|utilis|optimis|minimis|maximis|summaris|categoris|standardis|"
    r"authoris|finalis|formalis|stabilis|projectis)(e|ed|es|ing|ation|ations|ational)|emphasis(e|ed|ing)|"
    r"analys(e|ed|ing)|realis(e|ed|es|ing|ation)|(un)?practis(e|ed|es|ing)|behaviour\w*|colour\w*|centre[sd]?|"
    r"favour\w*|labour|licences?|judgements?|programmes?|catalogue|artefacts?|cancelled|modelling|labelled|"
    r"travelling|fulfil|fulfilment|enrol|enrolment|neighbour\w*|endeavour)\b", re.IGNORECASE)


def test_the_course_is_written_in_american_english_as_the_exam_is():
    """Accepted fill-in answers may list both spellings: they are what a learner may type, not prose."""
    found = [f"{path.relative_to(CONTENT)}:{number}: {match.group(0)}"
             for path in sorted(CONTENT.rglob("*.md"))
             for number, line in enumerate(path.read_text().splitlines(), 1) if not line.startswith("answer:")
             for match in BRITISH.finditer(line)]
    assert not found, found
