"""What the notifier sends, how each person may receive it, and what may be unsubscribed."""

from __future__ import annotations

REVIEW_REQUESTED = "review_requested"
PLAN_REVIEWED = "plan_reviewed"
FEEDBACK_RECEIVED = "feedback_received"
FUNDING_DECIDED = "funding_decided"
ACTION_INVITE = "action_invite"
ACTION_STARTING_SOON = "action_starting_soon"
ACTION_OVERDUE = "action_overdue"
ACTION_OVERDUE_ESCALATED = "action_overdue_escalated"
CERTIFICATE_EXPIRING = "certificate_expiring"
CHECKIN_INVITE = "checkin_invite"  # a check-in scheduled, changed or cancelled: a calendar invitation to both
SELF_EVALUATION_DUE = "self_evaluation_due"  # a cycle's self-evaluation milestone is near and not done yet
CYCLE_MILESTONE_DUE = "cycle_milestone_due"  # another milestone of a cycle is near and not done yet
HR_CYCLE_DIGEST = "hr_cycle_digest"  # weekly, to the HR owner of each running cycle: per milestone done/due/overdue
WEEKLY_DIGEST = "weekly_digest"
DAILY_DIGEST = "daily_digest"

# The kinds a person chooses a delivery mode for (the digests themselves are how a choice is delivered).
CHOOSABLE = (REVIEW_REQUESTED, PLAN_REVIEWED, FEEDBACK_RECEIVED, FUNDING_DECIDED, ACTION_INVITE,
             ACTION_STARTING_SOON, ACTION_OVERDUE, ACTION_OVERDUE_ESCALATED, WEEKLY_DIGEST, CHECKIN_INVITE,
             SELF_EVALUATION_DUE, CYCLE_MILESTONE_DUE, HR_CYCLE_DIGEST, CERTIFICATE_EXPIRING)
KINDS = (*CHOOSABLE, DAILY_DIGEST)

# Reminders and digests may be switched off from the mail itself; decisions about one's own plan,
# review requests and calendar invitations may not (they can still be moved to a digest or the portal).
UNSUBSCRIBABLE = frozenset({FEEDBACK_RECEIVED, ACTION_STARTING_SOON, ACTION_OVERDUE, ACTION_OVERDUE_ESCALATED,
                            WEEKLY_DIGEST, DAILY_DIGEST, SELF_EVALUATION_DUE, CYCLE_MILESTONE_DUE, HR_CYCLE_DIGEST,
                            CERTIFICATE_EXPIRING})

IMMEDIATELY, DIGEST, PORTAL = "immediately", "daily_digest", "portal_only"
MODES = (IMMEDIATELY, DIGEST, PORTAL)
LANGUAGES = ("nl", "en")
