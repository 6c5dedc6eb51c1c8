"""Domain errors: each names the field and the reason, and how the API should answer."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the plan was broken; `errors` lists (field, reason) pairs."""

    status = 422

    def __init__(self, field: str, reason: str, errors: list[dict[str, str]] | None = None):
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
        self.errors = errors or [{"field": field, "reason": reason}]


class RuleViolationError(DomainError):
    """The input breaks a rule of the plan (bad level, date outside the period, ...)."""


class InvalidStateError(DomainError):
    """The plan or the item is not in a state that allows this (closed plan, cancelled action)."""

    status = 409


class NotAllowedError(DomainError):
    """The actor's relation to the plan does not allow this command."""

    status = 403


class NotFoundInPlanError(DomainError):
    """The goal, action, or recommendation named does not exist in this plan."""

    status = 404


class SmartGoalError(RuleViolationError):
    """A goal fails one or more SMART letters; `letters` says which."""

    def __init__(self, letters: list[str], errors: list[dict[str, str]]):
        self.letters = letters
        names = ", ".join(SMART_NAMES[letter] for letter in letters)
        super().__init__("goal", f"not SMART: fails {''.join(letters)} ({names})", errors)


SMART_NAMES = {"S": "specific", "M": "measurable", "A": "achievable", "R": "relevant", "T": "time-bound"}
