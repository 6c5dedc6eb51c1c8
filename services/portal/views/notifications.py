"""The notification centre (with the unread count in the menu), delivery choices, unsubscribe links from
mails, and for admins the mails the embedded mail sink of `make run` received."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from services.portal.api_client import ApiClient, ApiError, ServiceUnavailableError, api_path
from services.portal.auth import login_required, portal
from services.portal.i18n import fdate
from services.portal.views.common import people_by_id
from services.portal.vocabulary import label
from shared.auth import issue_token
from shared.config import data_dir
from shared.ids import is_uuid

bp = Blueprint("notifications", __name__)
KINDS = {
    "review_requested": _l("%(employee)s asks you to review their development plan"),
    "plan_reviewed": _l("Your development plan was reviewed: %(outcome)s"),
    "feedback_received": _l("New feedback on your development plan"),
    "funding_decided": _l("Funding %(decision)s: %(title)s"),
    "action_invite": _l("Calendar invitation: %(title)s"),
    "action_starting_soon": _l("Starting soon: %(title)s"),
    "action_overdue": _l("Overdue: %(title)s"),
    "action_overdue_escalated": _l("Overdue for %(employee)s: %(title)s"),
    "certificate_expiring": _l("Your certificate expires in %(days)s days: %(title)s"),
    "weekly_digest": _l("Your team this week"),
    "daily_digest": _l("Daily summary"),
    "self_evaluation_due": _l("Your self-evaluation is due on %(due)s"),
    "cycle_milestone_due": _l("%(milestone)s is due on %(due)s: %(cycle)s"),
    "checkin_invite": _l("Check-in on %(on)s at %(at)s"),
    "hr_cycle_digest": _l("The cycles you run this week"),
}
KIND_NAMES = {
    "review_requested": _l("Review requested"), "plan_reviewed": _l("Plan reviewed"),
    "feedback_received": _l("Feedback received"), "funding_decided": _l("Funding decided"),
    "action_invite": _l("Calendar invitations for learning actions"),
    "action_starting_soon": _l("Action starting soon"),
    "action_overdue": _l("Action overdue"), "action_overdue_escalated": _l("Overdue actions in my team"),
    "certificate_expiring": _l("Certificate expiring"),
    "weekly_digest": _l("Weekly team digest"),
    "self_evaluation_due": _l("Self-evaluation due"),
    "cycle_milestone_due": _l("Cycle milestone due"),
    "checkin_invite": _l("Calendar invitations for check-ins"),
    "hr_cycle_digest": _l("Weekly digest of the cycles I run"),
}
MODES = {"immediately": _l("Immediately by e-mail"), "daily_digest": _l("In a daily digest"),
         "portal_only": _l("Only here in the portal")}
WORDS = {"approved": _l("approved"), "changes_requested": _l("changes requested"), "declined": _l("declined")}
MAIL_NAME = re.compile(r"^[0-9T]+-[0-9]+-[0-9a-f]+\.eml$")


def notifier() -> ApiClient:
    if not portal().settings.notifier_url:
        abort(404)
    return portal().notifier_api()


class Blanks(dict):
    """Values for a notification's words: what the notifier did not send shows as blank, never as an error."""

    def __missing__(self, key: str) -> str:
        return ""


def kind_name(kind: str) -> str:
    """The words for a kind the notifier offers; its code when this portal does not know it yet."""
    return str(KIND_NAMES.get(kind, kind))


def describe(item: dict, names: dict[str, str]) -> tuple[str, str]:
    """The line and the link of one notification, in the reader's language."""
    data = item.get("data") or {}
    values = Blanks(
        employee=names.get(item.get("about"), item.get("about")), title=data.get("title") or "",
        outcome=WORDS.get(data.get("outcome"), ""), decision=WORDS.get(data.get("decision"), ""),
        due=fdate(data.get("due")) if data.get("due") else "", on=fdate(data.get("on")) if data.get("on") else "",
        at=data.get("at") or "", expires=fdate(data.get("expires")) if data.get("expires") else "",
        cycle=data.get("cycle_name") or data.get("cycle") or "",
        milestone=label("milestone", data.get("milestone")) if data.get("milestone") else "",
        days=data.get("days") or "")
    kind = item.get("kind")
    text = str(KINDS[kind] % values) if kind in KINDS else kind_name(str(kind))
    plan_id, action_id = data.get("plan_id"), data.get("action_id")
    if kind == "hr_cycle_digest" and is_uuid(data.get("cycle_id")):
        return text, url_for("cycles.show", cycle_id=data["cycle_id"])
    if kind == "checkin_invite" and plan_id:
        checkin = data.get("checkin_id")
        return text, url_for("employee.plan_page", plan_id=plan_id,
                             _anchor=f"checkin-{checkin}" if is_uuid(checkin) else "checkins")
    if item.get("kind") in {"review_requested", "action_overdue_escalated"} and plan_id:
        return text, url_for("manager.review", plan_id=plan_id)
    if item.get("kind") == "weekly_digest":
        return text, url_for("manager.team")
    if plan_id and action_id:
        return text, url_for("actions.action", plan_id=plan_id, action_id=action_id)
    if plan_id:
        return text, url_for("employee.plan_page", plan_id=plan_id)
    return text, url_for("notifications.centre")


@bp.get("/notifications")
@login_required()
def centre():
    answer = notifier().get(api_path("/notifications"), limit=50, unread="true" if request.args.get("unread") else None)
    people = {}
    try:  # only the few people the page names, as far as the directory lets this person see them
        people = {pid: p.get("name") or pid for pid, p in people_by_id(
            i.get("about") for i in answer.get("items") or [] if i.get("about")).items()}
    except (ApiError, ServiceUnavailableError):  # names are a nicety: ids will do when the directory refuses
        people = {}
    items = [{**item, "text": describe(item, people)[0], "link": describe(item, people)[1]}
             for item in answer.get("items") or []]
    return render_template("notifications/centre.html", items=items, unread=answer.get("unread", 0),
                           total=answer.get("total", 0))


@bp.post("/notifications/<notification_id>/read")
@login_required()
def read(notification_id):
    notifier().post(api_path("/notifications/{notification_id}/read", notification_id=notification_id))
    target = request.form.get("next") or ""
    return redirect(target if target.startswith("/") and not target.startswith("//") else url_for(".centre"))


@bp.post("/notifications/read")
@login_required()
def read_all():
    notifier().post(api_path("/notifications/read"))
    flash(_("Everything is marked as read."), "ok")
    return redirect(url_for(".centre"))


@bp.route("/notifications/settings", methods=["GET", "POST"])
@login_required()
def settings():
    api = notifier()
    offered = api.get(api_path("/preferences"))
    if request.method == "POST":
        choices = {kind: request.form.get(kind) for kind in offered.get("kinds") or {}
                   if request.form.get(kind) in MODES}
        language = request.form.get("language")
        body = {"kinds": choices, **({"language": language} if language in {"nl", "en"} else {})}
        api.put(api_path("/preferences"), body)
        flash(_("Your notification settings are saved."), "ok")
        return redirect(url_for(".settings"))
    kinds = {kind: kind_name(kind) for kind in offered.get("kinds") or {}}  # the kinds the notifier offers
    return render_template("notifications/settings.html", preferences=offered, kinds=kinds, modes=MODES)


def _service_token() -> str:
    return issue_token(portal().tokens, "portal", ["service"], ttl_seconds=60)


@bp.route("/notifications/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token):
    """The link in a mail: no sign-in needed, the signed token is the permission (one kind, one person)."""
    if len(token) > 500:
        abort(404)
    if request.method == "POST":
        notifier_api = portal().notifier_api(token=_service_token) if portal().settings.notifier_url else None
        if notifier_api is None:
            abort(404)
        answer = notifier_api.post(api_path("/unsubscribe"), {"token": token})
        return render_template("notifications/unsubscribed.html", kind=kind_name(answer.get("kind") or ""))
    return render_template("notifications/unsubscribe.html")


@bp.get("/admin/mail")
@login_required("admin")
def mailbox():
    folder = data_dir() / "mail"
    files = sorted(folder.glob("*.eml"), reverse=True)[:200] if folder.is_dir() else []
    mails = []
    for path in files:
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        mails.append({"name": path.name, "to": message.get("To", ""), "subject": str(message.get("Subject", "")),
                      "date": message.get("Date", "")})
    return render_template("notifications/mailbox.html", mails=mails, folder=folder)


@bp.get("/admin/mail/<name>")
@login_required("admin")
def mail(name):
    if not MAIL_NAME.match(name):
        abort(404)
    path = Path(data_dir()) / "mail" / name
    if not path.is_file():
        abort(404)
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    body = message.get_body(("plain",))
    calendar = next((p.get_content() for p in message.walk() if p.get_content_type() == "text/calendar"), "")
    return render_template("notifications/mail.html", message=message, name=name,
                           text=body.get_content() if body else "", calendar=calendar)
