"""The closed vocabularies of a development plan, shared by the domain, the API and the UI."""

TRIGGERS = ("appraisal_interview", "career_project", "organisational_change",
            "continuous_development", "mobility", "retraining", "new_technology")
CATEGORIES = ("technical", "behavioural")
ASSESSORS = ("self", "manager", "peer")
SKILL_STATUSES = ("strength", "to_improve", "obsolete")
MEANS = ("internal_training", "external_course", "mooc", "workshop", "seminar", "conference",
         "mentoring", "coaching", "on_the_job")
FEEDBACK_SOURCES = ("manager", "mentor", "peer", "self")
REVIEW_OUTCOMES = ("approved", "changes_requested")
PLAN_STATUSES = ("draft", "submitted", "changes_requested", "active", "closed")
ACTION_STATUSES = ("planned", "started", "completed", "cancelled")
GOAL_STATUSES = ("open", "achieved", "abandoned")
# The actor's relation to a plan, resolved by the application from the org directory.
PLAN_ROLES = ("owner", "manager", "hr", "admin")
MIN_LEVEL, MAX_LEVEL = 0, 5


def skill_key(label: str) -> str:
    """The key under which assessments and goals of one skill meet, whatever the spelling."""
    return " ".join(label.split()).casefold()
