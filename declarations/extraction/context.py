"""One note as the deterministic layers read it, passed whole instead of many positional arguments."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from declarations.extraction.dates import DateMention, Direction
from declarations.extraction.drafts import Draft
from declarations.extraction.grammar import Morphology
from declarations.extraction.lexicon import OrgMention
from declarations.extraction.normalize import NormalizedText
from declarations.extraction.segment import Clause, Trigger


@dataclass
class NoteContext:
    nt: NormalizedText
    morph: Morphology
    today: date  # the recording day in Europe/Paris
    recorded_at: datetime
    mentions: list[DateMention]
    date_tokens: frozenset[int]
    orgs: list[OrgMention]
    clauses: list[Clause]
    cased: bool  # the text has capitals (a written transcript), not a lower-case recogniser's
    # the rules' reading of each clause: its tense, the activity named, and whether it is a step
    rule_directions: list[Direction] = field(default_factory=list)
    rule_triggers: list[Trigger | None] = field(default_factory=list)
    rule_steps: list[bool] = field(default_factory=list)
    # what a learned decider predicted for each clause, kept with the note (never keyed by id(): ids
    # of freed notes are reused)
    predictions: dict[tuple[str, int], Any] = field(default_factory=dict)


class StepDecider(Protocol):
    """Decides, clause by clause, what the rules leave open: the tense, and whether there is a step."""

    name: str

    def directions(self, ctx: NoteContext) -> list[Direction]: ...

    def decide(self, ctx: NoteContext, index: int, trigger: Trigger | None, rule_step: bool) -> Trigger | None: ...

    def confidence(self, ctx: NoteContext, index: int, trigger: Trigger, draft: Draft) -> float | None:
        """How likely the step is right (None: the extractor's own estimate)."""
        ...

    def carries(self, ctx: NoteContext, index: int) -> bool:
        """Whether a clause without a day of its own takes the day said before it."""
        ...


class RuleDecider:
    """The rules alone: their tense and their verdict on each activity named."""

    name = "rules"

    def directions(self, ctx: NoteContext) -> list[Direction]:
        return ctx.rule_directions

    def decide(self, ctx: NoteContext, index: int, trigger: Trigger | None, rule_step: bool) -> Trigger | None:
        return trigger if rule_step else None

    def confidence(self, ctx: NoteContext, index: int, trigger: Trigger, draft: Draft) -> float | None:
        return None

    def carries(self, ctx: NoteContext, index: int) -> bool:
        return True
