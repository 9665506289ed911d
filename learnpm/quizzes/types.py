"""Question types as a registry of small strategy classes: shape, grading and what the learner sees."""

from __future__ import annotations

from learnpm.errors import ValidationError

MAX_TEXT_ANSWER = 500


class QuestionType:
    """One kind of question. `content` is a stored question version's content."""

    name = ""

    def validate(self, answer: object, content: dict) -> object:
        """Return the answer in stored form, or raise ValidationError if its shape is wrong."""
        raise NotImplementedError

    def grade(self, answer: object, content: dict) -> bool:
        """Return whether a stored answer is right (all or nothing, as the exam scores)."""
        raise NotImplementedError

    def key(self, content: dict) -> object:
        """Return the right answer, in the shape of an answer."""
        raise NotImplementedError

    def public(self, content: dict, option_order: list[str], choice_order: list[str], ids: dict[str, str]) -> dict:
        """Return what the learner may see while the attempt is open: nothing that reveals the key.

        `ids` maps each stored option id to the opaque id the learner sees (presenters.opaque_ids).
        """
        by_id = {o["id"]: o for o in content["options"]}
        return {"options": [{"id": ids[i], "text": by_id[i]["text"], "html": by_id[i]["html"]}
                            for i in option_order]}

    def relabel(self, answer: object, ids: dict[str, str]) -> object:
        """Return an answer with its option ids mapped through `ids`; an unknown id becomes "" (never valid)."""
        return answer

    @staticmethod
    def _option_ids(content: dict) -> set[str]:
        return {o["id"] for o in content["options"]}


class Single(QuestionType):
    name = "single"

    def validate(self, answer, content):
        if not isinstance(answer, str) or answer not in self._option_ids(content):
            raise ValidationError("A single-answer question takes one option id.", {"answer": "option id"})
        return answer

    def grade(self, answer, content):
        return answer == self.key(content)

    def key(self, content):
        return next(o["id"] for o in content["options"] if o["correct"])

    def relabel(self, answer, ids):
        return ids.get(answer, "") if isinstance(answer, str) else answer


class Multiple(QuestionType):
    name = "multiple"

    def validate(self, answer, content):
        ids = self._option_ids(content)
        if not isinstance(answer, list) or not all(isinstance(a, str) and a in ids for a in answer) \
                or len(set(answer)) != len(answer):
            raise ValidationError("A multiple-response question takes a list of distinct option ids.",
                                  {"answer": "list of option ids"})
        return sorted(answer)

    def grade(self, answer, content):
        return isinstance(answer, list) and sorted(answer) == self.key(content)

    def key(self, content):
        return sorted(o["id"] for o in content["options"] if o["correct"])

    def public(self, content, option_order, choice_order, ids):
        data = super().public(content, option_order, choice_order, ids)
        data["choose"] = len(self.key(content))  # "Choose two." is part of the question, not a hint
        return data

    def relabel(self, answer, ids):
        return [ids.get(a, "") if isinstance(a, str) else a for a in answer] if isinstance(answer, list) else answer


class Matching(QuestionType):
    name = "matching"

    def validate(self, answer, content):
        lefts = self._option_ids(content)
        rights = {c["id"] for c in content["choices"]}
        if not isinstance(answer, dict) or not all(
                isinstance(k, str) and k in lefts and isinstance(v, str) and v in rights for k, v in answer.items()):
            raise ValidationError("A matching question takes an object of left ids to right ids.",
                                  {"answer": "{LEFT_ID: RIGHT_ID}"})
        return dict(sorted(answer.items()))

    def grade(self, answer, content):
        return isinstance(answer, dict) and answer == self.key(content)

    def key(self, content):
        return {o["id"]: o["match"] for o in content["options"]}

    def public(self, content, option_order, choice_order, ids):
        data = super().public(content, option_order, choice_order, ids)
        by_id = {c["id"]: c for c in content["choices"]}
        data["choices"] = [{"id": ids[i], "text": by_id[i]["text"], "html": by_id[i]["html"]} for i in choice_order]
        return data

    def relabel(self, answer, ids):
        if not isinstance(answer, dict):
            return answer
        return {ids.get(k, ""): ids.get(v, "") if isinstance(v, str) else v for k, v in answer.items()}


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


class FillIn(QuestionType):
    name = "fill_in"

    def validate(self, answer, content):
        if not isinstance(answer, str) or len(answer) > MAX_TEXT_ANSWER:
            raise ValidationError(f"A fill-in question takes text of at most {MAX_TEXT_ANSWER} characters.",
                                  {"answer": "text"})
        return answer

    def grade(self, answer, content):
        return isinstance(answer, str) and _fold(answer) in {_fold(a) for a in content["answers"]}

    def key(self, content):
        return content["answers"][0]

    def public(self, content, option_order, choice_order, ids):
        return {"options": []}


class Hotspot(Single):
    name = "hotspot"

    def public(self, content, option_order, choice_order, ids):
        by_id = {o["id"]: o for o in content["options"]}
        return {"image": content.get("image"),
                "options": [{"id": ids[i], "text": by_id[i]["text"], "html": by_id[i]["html"],
                             "region": by_id[i]["region"]} for i in option_order]}


TYPES: dict[str, QuestionType] = {t.name: t for t in (Single(), Multiple(), Matching(), FillIn(), Hotspot())}


def question_type(name: str) -> QuestionType:
    return TYPES[name]
