"""Open Badges in the portal: the employee issues a badge for an achieved goal or a certified action, downloads it,
shares its public link, or withdraws it. What may become a badge is the plan service's answer, not the portal's."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.portal.api_client import ApiError, ServiceUnavailableError, api_path
from services.portal.auth import login_required
from services.portal.forms import Form
from services.portal.views.common import load_plan, plan_api

log = logging.getLogger(__name__)
bp = Blueprint("badges", __name__)
KINDS = ("goal", "action")


def badge_state(plan_id: str) -> dict[str, Any]:
    """The plan's badges and what may become one; empty when the plan service has badges off or is away."""
    try:
        return plan_api().get(api_path("/plans/{plan_id}/credentials", plan_id=plan_id))
    except (ApiError, ServiceUnavailableError):
        return {"items": [], "eligible": []}


def eligible_map(state: dict[str, Any]) -> dict[tuple[str, str], str | None]:
    """(kind, item id) -> its standing badge's id (None: may be issued), for the buttons on goals and actions."""
    return {(e["kind"], e["item_id"]): e.get("credential_id") for e in state.get("eligible") or []}


@bp.get("/plans/<plan_id>/badges")
@login_required()
def badges(plan_id: str):
    plan = load_plan(plan_id)
    state = badge_state(plan_id)
    titles = {(e["kind"], e["item_id"]): e["title"] for e in state.get("eligible") or []}
    return render_template("employee/badges.html", plan=plan, state=state, titles=titles)


@bp.post("/plans/<plan_id>/badges")
@login_required("employee")
def issue(plan_id: str):
    form = Form(request.form)
    kind, item_id = form.choice("kind", KINDS), form.text("item_id", required=True, max_length=100)
    try:
        if not form.ok:
            raise ApiError(422, "bad form")
        plan_api().post(api_path("/plans/{plan_id}/credentials", plan_id=plan_id), {"kind": kind, "item_id": item_id})
    except ApiError as error:
        log.info("no badge issued: %s", error)
        flash(_("This cannot become a badge (yet): only an achieved goal or a completed action with a certificate "
                "can."), "error")
    else:
        flash(_("Your badge is ready: download it or share its link."), "info")
    return redirect(url_for("badges.badges", plan_id=plan_id))


@bp.get("/plans/<plan_id>/badges/<credential_id>/download")
@login_required()
def download(plan_id: str, credential_id: str):
    """The signed credential as a file (VC-JWT), for a wallet or a backpack."""
    reply = plan_api().call("GET", api_path("/badges/credentials/{credential_id}", credential_id=credential_id),
                            headers={"Accept": "application/vc+jwt"})
    return Response(reply.content, mimetype="application/vc+jwt",
                    headers={"Content-Disposition": f'attachment; filename="badge-{credential_id}.jwt"'})


@bp.post("/plans/<plan_id>/badges/<credential_id>/revoke")
@login_required()
def revoke(plan_id: str, credential_id: str):
    form = Form(request.form)
    reason = form.text("reason", required=True, max_length=500)
    if form.ok:
        try:
            plan_api().post(api_path("/plans/{plan_id}/credentials/{credential_id}/revoke", plan_id=plan_id,
                                     credential_id=credential_id), {"reason": reason})
        except ApiError as error:
            log.info("badge not revoked: %s", error)
            flash(_("The badge was not withdrawn (it may have been withdrawn already)."), "error")
        else:
            flash(_("The badge is withdrawn: whoever checks it now sees that it was revoked."), "info")
    else:
        flash(_("Say why you withdraw the badge."), "error")
    return redirect(url_for("badges.badges", plan_id=plan_id))
