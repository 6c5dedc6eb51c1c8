"""Words for the plan's closed vocabularies, in the user's language (keys follow the plan API)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

TRIGGERS = {
    "appraisal_interview": _l("Appraisal interview"),
    "career_project": _l("Career project"),
    "organisational_change": _l("Organisational change"),
    "continuous_development": _l("Continuous development"),
    "mobility": _l("Mobility"),
    "retraining": _l("Retraining"),
    "new_technology": _l("New technology"),
}
MEANS = {
    "internal_training": _l("Internal training"),
    "external_course": _l("External course"),
    "mooc": _l("Online course (MOOC)"),
    "workshop": _l("Workshop"),
    "seminar": _l("Seminar"),
    "conference": _l("Conference"),
    "mentoring": _l("Mentoring"),
    "coaching": _l("Coaching"),
    "on_the_job": _l("On the job"),
}
CATEGORIES = {"technical": _l("Technical"), "behavioural": _l("Behavioural")}
SKILL_STATUSES = {"strength": _l("Strength"), "to_improve": _l("To improve"), "obsolete": _l("No longer needed")}
PLAN_STATUSES = {
    "draft": _l("Draft"), "submitted": _l("Waiting for review"), "changes_requested": _l("Changes requested"),
    "active": _l("Active"), "closed": _l("Closed"),
}
ACTION_STATUSES = {"planned": _l("Planned"), "started": _l("Started"), "completed": _l("Completed"),
                   "cancelled": _l("Cancelled")}
GOAL_STATUSES = {"open": _l("Open"), "achieved": _l("Achieved"), "abandoned": _l("Abandoned")}
FUNDING_STATUSES = {"requested": _l("Funding requested"), "approved": _l("Funding approved"),
                    "declined": _l("Funding declined")}
FEEDBACK_SOURCES = {"manager": _l("Manager"), "mentor": _l("Mentor"), "peer": _l("Colleague"), "self": _l("Myself")}
REVIEW_OUTCOMES = {"approved": _l("Approved"), "changes_requested": _l("Changes requested")}
ROLES = {"employee": _l("Employee"), "manager": _l("Manager"), "hr": _l("HR"), "ld": _l("L&D"),
         "admin": _l("Administrator"), "owner": _l("Employee"), "service": _l("System"), "cli": _l("System")}
LANGUAGES = {"nl": _l("Dutch"), "en": _l("English")}
EVENTS = {
    "PlanStarted": _l("started the plan"),
    "SkillAssessed": _l("assessed a skill"),
    "StrengthIdentified": _l("noted a strength"),
    "SkillMarkedObsolete": _l("marked a skill as no longer needed"),
    "TransferableSkillNoted": _l("noted a transferable skill"),
    "GoalSet": _l("set a goal"),
    "GoalRevised": _l("revised a goal"),
    "GoalAchieved": _l("achieved a goal"),
    "GoalAbandoned": _l("abandoned a goal"),
    "LearningActionPlanned": _l("planned a learning action"),
    "LearningActionRescheduled": _l("rescheduled a learning action"),
    "LearningActionStarted": _l("started a learning action"),
    "LearningActionCompleted": _l("completed a learning action"),
    "LearningActionCancelled": _l("cancelled a learning action"),
    "ProgressReviewed": _l("recorded progress"),
    "FeedbackReceived": _l("gave feedback"),
    "PlanSubmittedForReview": _l("submitted the plan for review"),
    "PlanReviewed": _l("reviewed the plan"),
    "FundingRequested": _l("requested funding"),
    "FundingApproved": _l("approved funding"),
    "FundingDeclined": _l("declined funding"),
    "RecommendationAccepted": _l("accepted a suggestion"),
    "RecommendationDismissed": _l("dismissed a suggestion"),
    "PlanClosed": _l("closed the plan"),
    "CheckInScheduled": _l("scheduled a check-in"),
    "CheckInAgendaPointAdded": _l("added a point to the check-in's agenda"),
    "CheckInRescheduled": _l("rescheduled a check-in"),
    "CheckInCancelled": _l("cancelled a check-in"),
    "CheckInRecorded": _l("recorded the notes and agreements of a check-in"),
    "CheckInAgreementActedOn": _l("turned an agreement into a goal change or an action"),
    "PlanDetailsChanged": _l("changed the plan's details"),
    "GoalCarriedForward": _l("carried a goal over from the previous plan"),
    "ActionCarriedForward": _l("carried a learning action over from the previous plan"),
    "SkillAssessmentWithdrawn": _l("removed a skill from the self-evaluation"),
    "PlanErased": _l("erased the personal data of the plan"),
    "CompletionProposed": _l("reported a completion from the learning platform"),
    "CompletionProposalSettled": _l("answered a reported completion"),
}
MILESTONES = {  # the plan service's milestone kinds (templates and cycles)
    "self_evaluation": _l("Self-evaluation"), "goals_set": _l("Goals set"), "conversation": _l("Conversation held"),
    "mid_year_review": _l("Mid-year review"), "year_end_review": _l("Year-end review"),
}
CYCLE_STATUSES = {"draft": _l("Not launched yet"), "launched": _l("Launched"), "closed": _l("Closed")}
SCOPE_KINDS = {"organisation": _l("The whole organisation"), "departments": _l("Departments"),
               "people": _l("A list of people")}
CHECKIN_STATUSES = {"scheduled": _l("Scheduled"), "held": _l("Held"), "cancelled": _l("Cancelled")}
MILESTONE_STATES = {"done": _l("Done"), "due": _l("Due"), "overdue": _l("Overdue")}
ACCESS_WHAT = {  # what someone looked at, as the plan service's access log names it
    "plan": _l("the plan"), "version": _l("an earlier version of the plan"),
    "as_of": _l("the plan as of a date"), "history": _l("the history of the plan"),
    "diff": _l("the differences between two versions"), "export": _l("a data export"),
}
ACCESS_PURPOSES = {  # why someone reads another person's data: the codes of shared.purposes, in words
    "audit": _l("Audit or compliance check"),
    "compliance": _l("Compliance check (law or policy)"),
    "gdpr_request": _l("A GDPR request of the employee"),
    "employee_request": _l("A question or request from the employee"),
    "appraisal": _l("Support for an appraisal or a review"),
    "report": _l("Organisation report"),
    "investigation": _l("A complaint or a legal matter"),
    "other": _l("Other reason (explain below)"),
}
GROUPS = {"trigger": TRIGGERS, "means": MEANS, "category": CATEGORIES, "skill_status": SKILL_STATUSES,
          "plan_status": PLAN_STATUSES, "action_status": ACTION_STATUSES, "goal_status": GOAL_STATUSES,
          "funding": FUNDING_STATUSES, "source": FEEDBACK_SOURCES, "outcome": REVIEW_OUTCOMES, "role": ROLES,
          "language": LANGUAGES, "event": EVENTS, "access_what": ACCESS_WHAT,
          "access_purpose": ACCESS_PURPOSES, "milestone": MILESTONES, "cycle_status": CYCLE_STATUSES,
          "scope": SCOPE_KINDS, "checkin_status": CHECKIN_STATUSES, "milestone_state": MILESTONE_STATES}


def label(group: str, value: object) -> str:
    """The word for VALUE in GROUP, or the value itself when the vocabulary grew after this portal."""
    if value is None:
        return ""
    return str(GROUPS.get(group, {}).get(str(value), value))


def label_map(group: str) -> dict[str, str]:
    """Value -> words for a select box."""
    return {key: str(words) for key, words in GROUPS.get(group, {}).items()}
