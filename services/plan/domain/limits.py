"""What one plan may hold, and the dates it may name: bounds that keep every export and replay fast.

A plan is a person's development over a few years, so these are generous for people and tight for
scripts: beyond them a command is refused with a 422 that names the limit, before any event.
"""

from __future__ import annotations

from datetime import date

MAX_GOALS = 30  # goals of any status
MAX_ACTIONS = 100  # learning actions of any status
MAX_SKILLS = 100  # distinct skills assessed
MAX_NOTES = 1000  # feedback and progress notes together
MAX_EVENTS = 10_000  # every change, so that a replay and the history stay quick
MAX_GOAL_SKILLS = 10  # skills one goal develops
MAX_TRANSFERABLE = 20  # roles a skill transfers to
SHORT_TEXT = 200  # titles, skill names, providers, roles
LONG_TEXT = 5000  # notes, reflections, the career project
MAX_HOURS = 10_000.0  # hours in one goal or action (five years of full-time work)
EARLIEST = date(2000, 1, 1)  # the plausible range of every date in a plan
LATEST = date(2100, 12, 31)
