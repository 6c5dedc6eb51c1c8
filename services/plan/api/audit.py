"""The access log export for HR: every look at someone else's plan, as JSON or CSV."""

from __future__ import annotations

from flask import Response

from services.plan.api import schemas as s
from services.plan.api.common import service
from shared.auth import current_principal
from shared.csvexport import write_csv
from shared.httpapi import Blueprint

blp = Blueprint("audit", __name__, url_prefix="/api/v1/access-log",
                description="Audit of the auditors: who read which plan, when and why (HR, admin).")


@blp.route("")
@blp.arguments(s.AccessLogQuerySchema, location="query")
@blp.response(200, s.AccessLogSchema)
@blp.alt_response(200, content_type="text/csv", description="the same rows as CSV (format=csv)")
def access_log(query):
    """Every recorded look at a plan by someone other than its owner (filter by employee)."""
    rows = service().access_log(current_principal(), employee_id=query.get("employee_id"))
    if query["format"] == "csv":
        body = write_csv(["at", "plan_id", "employee_id", "what", "purpose", "note", "by", "role"],
                         ([row["at"], row["plan_id"], row["employee_id"], row["what"], row["purpose"] or "",
                           row.get("note") or "", row["by"]["subject"], row["by"]["role"]] for row in rows))
        return Response(body, mimetype="text/csv",
                        headers={"Content-Disposition": "attachment; filename=access-log.csv"})
    return {"items": rows}
