"""From feed events to notifications: who is told what, exactly once per event, and forgetting the erased."""

from __future__ import annotations

from services.notifier import kinds as k
from tests.notifier.notifier_helpers import Events


def kinds_for(store, person):
    items, _ = store.inbox(person, unread_only=False, limit=100, offset=0)
    return sorted(n.kind for n in items)


def test_review_request_goes_to_the_manager_with_the_note(store, rules):
    e = Events()
    events = [e("PlanStarted"), e("PlanSubmittedForReview", note="Graag voor vrijdag")]
    assert store.apply_page(events, events[-1]["position"], rules.decide) == 2
    [request] = store.inbox("marieke", unread_only=False, limit=10, offset=0)[0]
    assert request.kind == k.REVIEW_REQUESTED and request.about == "karim"
    assert request.data["note"] == "Graag voor vrijdag" and request.data["plan_id"] == "plan-1"
    assert kinds_for(store, "karim") == []  # the employee did it themselves


def test_decisions_feedback_and_funding_go_to_the_employee_but_not_what_they_did_themselves(store, rules):
    e = Events()
    events = [e("PlanStarted"),
              e("LearningActionPlanned", action_id="a1", title="Excel advanced", planned_start="2027-02-01",
                planned_end="2027-02-05"),
              e("FundingRequested", action_id="a1"),
              e("FundingApproved", "marieke", "manager", action_id="a1"),
              e("FeedbackReceived", "marieke", "manager", source="manager", text="Goed bezig"),
              e("FeedbackReceived", source="self", text="Zelf"),
              e("PlanSubmittedForReview", note=""),
              e("PlanReviewed", "marieke", "manager", outcome="changes_requested", comment="Meer doelen")]
    store.apply_page(events, events[-1]["position"], rules.decide)
    assert kinds_for(store, "karim") == sorted([k.ACTION_INVITE, k.FUNDING_DECIDED, k.FEEDBACK_RECEIVED,
                                                k.PLAN_REVIEWED])
    items = {n.kind: n for n in store.inbox("karim", unread_only=False, limit=10, offset=0)[0]}
    assert items[k.FUNDING_DECIDED].data == {"plan_id": "plan-1", "action_id": "a1", "title": "Excel advanced",
                                             "decision": "approved"}
    assert items[k.PLAN_REVIEWED].data["outcome"] == "changes_requested"
    assert "text" not in items[k.FEEDBACK_RECEIVED].data  # the feedback itself stays in the plan


def test_a_replayed_page_changes_nothing_and_a_page_applies_with_its_position(store, rules):
    e = Events()
    events = [e("PlanStarted"), e("PlanSubmittedForReview", note="x")]
    store.apply_page(events, 2, rules.decide)
    assert store.apply_page(events, 2, rules.decide) == 0
    assert store.position() == 2
    more = [*events, e("PlanReviewed", "marieke", "manager", outcome="approved", comment="")]
    assert store.apply_page(more, 3, rules.decide) == 1  # only the new event counts
    assert len(store.inbox("marieke", unread_only=False, limit=10, offset=0)[0]) == 1
    assert len(store.inbox("karim", unread_only=False, limit=10, offset=0)[0]) == 1


def test_a_failing_page_leaves_neither_notifications_nor_position(store, directory, rules):
    e = Events()
    events = [e("PlanStarted"), e("PlanSubmittedForReview", note="x")]

    def broken(person_id, at_least=0):
        raise RuntimeError("directory down")

    directory.person = broken
    try:
        store.apply_page(events, 2, rules.decide)
    except RuntimeError:
        pass
    assert store.position() == 0
    assert store.inbox("marieke", unread_only=False, limit=10, offset=0)[1] == 0


def test_reschedule_and_cancel_raise_the_invitation_sequence(store, rules):
    e = Events()
    events = [e("PlanStarted"),
              e("LearningActionPlanned", action_id="a1", title="Coaching", planned_start="2027-03-01",
                planned_end="2027-03-31"),
              e("LearningActionRescheduled", action_id="a1", planned_start="2027-04-01", planned_end="2027-04-30"),
              e("LearningActionCancelled", action_id="a1")]
    store.apply_page(events[:2], 2, rules.decide)
    store.apply_page(events, 4, rules.decide)  # in two pages: the action's state carries over in the store
    invites = sorted((n.data["sequence"], n.data["method"], n.data["start"]) for n in
                     store.inbox("karim", unread_only=False, limit=10, offset=0)[0])
    assert invites == [(0, "REQUEST", "2027-03-01"), (1, "REQUEST", "2027-04-01"), (2, "CANCEL", "2027-04-01")]


def test_person_erased_forgets_everything_about_them_and_ignores_what_follows(store, rules):
    e = Events()
    events = [e("PlanStarted"), e("PlanSubmittedForReview", note="persoonlijk"),
              e("LearningActionPlanned", action_id="a1", title="Cursus", planned_start="2027-03-01",
                planned_end="2027-03-02")]
    store.apply_page(events, 3, rules.decide)
    store.choose("karim", {"language": "en"})
    later = [e.erased("karim"), e("FeedbackReceived", "marieke", "manager", source="manager", text="t")]
    store.apply_page(later, later[-1]["position"], rules.decide)
    assert store.person_data("karim") == {"notifications": [], "actions": [], "checkins": [], "certificates": [],
                                         "choices": {}, "forgotten": True}
    assert store.inbox("marieke", unread_only=False, limit=10, offset=0)[1] == 0  # the request about karim too
    assert store.is_forgotten("karim")


def test_erased_within_the_same_page_leaves_nothing(store, rules):
    e = Events()
    events = [e("PlanStarted"), e("PlanSubmittedForReview", note="persoonlijk"), e.erased("karim")]
    store.apply_page(events, 3, rules.decide)
    assert store.person_data("karim")["notifications"] == []
    assert store.inbox("marieke", unread_only=False, limit=10, offset=0)[1] == 0
