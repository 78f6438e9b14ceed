"""What extraction finds in one report: plain dataclasses, serialisable to JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum

from ..flags import Severity, check


class FindingKind(str, Enum):
    STRENGTH = "strength"
    IMPROVEMENT = "improvement"


@dataclass
class Flag:
    severity: str
    code: str
    message: str


@dataclass
class AreaScore:
    number: int
    title: str | None
    domain: str | None
    score: float | None
    max: float | None
    overview_title: str | None = None
    #: where the score was printed: "overview" (its total row), "section" (the
    #: section's box, a line "Poäng: 58 av 100", or its heading's end), or
    #: "questions" (the sum of its sub-questions, every row there)
    score_source: str | None = None


@dataclass
class QuestionScore:
    area: int
    number: str
    title: str
    score: float | None
    max: float | None
    percent: float | None = None


@dataclass
class Finding:
    area: int | None
    kind: str
    position: int
    text: str
    page: int | None = None
    #: why the finding may be misread, as :class:`~pipeline.flags.Doubt` values
    #: (comma-separated); None when nothing speaks against it
    doubt: str | None = None


@dataclass
class Section:
    area: int | None
    heading: str | None
    text: str
    page: int | None = None


@dataclass
class Report:
    municipality: str | None
    municipality_code: str | None
    county: str | None
    year: int | None
    framework: str | None
    total_score: float | None
    max_score: float | None
    evaluators: str | None
    areas: list[AreaScore] = field(default_factory=list)
    questions: list[QuestionScore] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)

    @property
    def id(self) -> str | None:
        if self.municipality_code and self.year:
            return f"{self.municipality_code}-{self.year}"
        return None

    def flag(self, severity: Severity | str, code: str, message: str) -> None:
        """Add a flag; ``code`` must be registered at ``severity`` (:mod:`pipeline.flags`)."""
        self.flags.append(Flag(check(severity, code), str(code), message))

    def to_dict(self) -> dict:
        return asdict(self)
