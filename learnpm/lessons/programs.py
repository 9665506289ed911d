"""Program definitions (target hours, exam, domains, tasks, rating bands) as validated data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Program:
    key: str
    title: str
    version: str
    target_hours: float
    exam: dict
    domains: list[dict]
    ratings: list[dict]

    @property
    def target_seconds(self) -> int:
        return round(self.target_hours * 3600)

    def domain(self, key: str) -> dict | None:
        return next((d for d in self.domains if d["key"] == key), None)

    def domain_keys(self) -> list[str]:
        return [d["key"] for d in self.domains]

    def task_keys(self, domain_key: str) -> list[str]:
        domain = self.domain(domain_key)
        return [str(t["key"]) for t in domain.get("tasks", [])] if domain else []

    def rating_for(self, percent: float) -> str:
        """Return the label of the best band whose threshold `percent` reaches."""
        for band in self.ratings:
            if percent >= band["min_percent"]:
                return band["label"]
        return self.ratings[-1]["label"]

    def as_dict(self) -> dict:
        return {"key": self.key, "title": self.title, "version": self.version,
                "target_hours": self.target_hours, "exam": self.exam, "domains": self.domains,
                "ratings": self.ratings}


def program_from_dict(data: dict) -> Program:
    return Program(key=str(data["key"]), title=str(data["title"]), version=str(data.get("version", "")),
                   target_hours=float(data["target_hours"]), exam=data["exam"], domains=data["domains"],
                   ratings=data["ratings"])


def program_problems(data: object, stem: str) -> list[str]:
    """Return what is wrong with a program definition (empty when it is valid)."""
    if not isinstance(data, dict):
        return ["a program file must be a mapping of keys to values"]
    problems = []
    if "key" in data and data["key"] != stem:  # the key is the file's stem; stating it is optional
        problems.append(f"key {data['key']!r} must equal the file name {stem!r} (or be left out)")
    if not isinstance(data.get("title"), str):
        problems.append(f"title is required (a text), got {data.get('title')!r}")
    hours = data.get("target_hours")
    if not isinstance(hours, int | float) or isinstance(hours, bool) or hours <= 0:
        problems.append(f"target_hours must be a positive number, got {hours!r}")
    problems += _exam_problems(data.get("exam"))
    problems += _domain_problems(data.get("domains"))
    problems += _rating_problems(data.get("ratings"))
    return problems


def _positive_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _exam_problems(exam: object) -> list[str]:
    if not isinstance(exam, dict):
        return ["exam must be a mapping with questions, minutes, pretest and sections"]
    problems = [f"exam.{name} must be a positive whole number, got {exam.get(name)!r}"
                for name in ("questions", "minutes") if not _positive_int(exam.get(name))]
    pretest = exam.get("pretest", 0)
    if not isinstance(pretest, int) or pretest < 0:
        problems.append(f"exam.pretest must be a whole number, got {pretest!r}")
    sections = exam.get("sections", [{"questions": exam.get("questions")}])
    if not isinstance(sections, list) or not all(isinstance(s, dict) and _positive_int(s.get("questions"))
                                                 for s in sections):
        problems.append("exam.sections must be a list of {questions: N, break_minutes: M}")
    elif sum(s["questions"] for s in sections) != exam.get("questions"):
        problems.append(f"exam.sections add up to {sum(s['questions'] for s in sections)} questions, "
                        f"not {exam.get('questions')!r}")
    return problems


def _domain_problems(domains: object) -> list[str]:
    if not isinstance(domains, list) or not domains:
        return ["domains must be a non-empty list"]
    problems, keys = [], set()
    for domain in domains:
        if not isinstance(domain, dict) or not isinstance(domain.get("key"), str):
            problems.append(f"a domain needs a key, title, weight and tasks: {domain!r:.80}")
            continue
        if domain["key"] in keys:
            problems.append(f"duplicate domain key {domain['key']!r}")
        keys.add(domain["key"])
        if not isinstance(domain.get("weight"), int | float) or domain["weight"] <= 0:
            problems.append(f"domain {domain['key']!r} needs a positive weight, got {domain.get('weight')!r}")
        tasks = domain.get("tasks", [])
        if not isinstance(tasks, list) or not all(isinstance(t, dict) and "key" in t for t in tasks):
            problems.append(f"domain {domain['key']!r}: tasks must be a list of {{key, title}}")
    total = sum(d.get("weight", 0) for d in domains if isinstance(d, dict)
                and isinstance(d.get("weight"), int | float))
    if not problems and abs(total - 100) > 0.01:
        problems.append(f"domain weights add up to {total}, not 100")
    return problems


def _rating_problems(ratings: object) -> list[str]:
    if not isinstance(ratings, list) or not ratings:
        return ["ratings must be a non-empty list of {label, min_percent}, best first"]
    if not all(isinstance(r, dict) and isinstance(r.get("label"), str)
               and isinstance(r.get("min_percent"), int | float) for r in ratings):
        return ["every rating needs a label and a min_percent"]
    thresholds = [r["min_percent"] for r in ratings]
    if thresholds != sorted(thresholds, reverse=True) or thresholds[-1] != 0:
        return [f"rating thresholds must fall from best to worst and end at 0, got {thresholds}"]
    return []
