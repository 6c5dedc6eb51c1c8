"""Certificate endpoints: add one (with its file) to a completed action, read the file back, renew it."""

from __future__ import annotations

import hashlib

from flask import Response, request

from services.plan.api import schemas as s
from services.plan.api.common import access, answer, idempotent_request, if_match, plan_uuid, service
from shared.auth import current_principal
from shared.httpapi import Blueprint

blp = Blueprint("certificates", __name__, url_prefix="/api/v1/plans",
                description="Certificates on completed learning actions: files, expiry, recertification.")
FORM_OVERHEAD = 64 * 1024  # the multipart envelope and the other fields around the file


@blp.before_request
def allow_certificate_files():
    """A certificate upload may be larger than the API's usual body limit, up to the file limit."""
    if request.method == "POST" and request.path.endswith("/certificates"):
        request.max_content_length = service().certificate_files.max_bytes + FORM_OVERHEAD


@blp.route("/<plan_id>/actions/<action_id>/certificates", methods=["POST"])
@blp.arguments(s.CertificateFormSchema, location="form")
@blp.arguments(s.CertificateFileSchema, location="files")
@blp.response(201, s.WriteResultSchema)
def add_certificate(form, files, plan_id, action_id):
    """Add a certificate to a completed action (also on a closed plan): the employee or HR, multipart/form-data
    with the fields and an optional `file` (PDF, PNG or JPEG by content). Answers the plan and `certificate_id`."""
    principal = current_principal()
    upload = files.get("file")
    content = upload.read() if upload is not None else None
    body = {**{k: str(v) if v is not None else None for k, v in form.items()},
            "file_sha": hashlib.sha256(content).hexdigest() if content else None}
    outcome = service().add_certificate(plan_uuid(plan_id), principal, action_id, fields=dict(form), content=content,
                                        filename=upload.filename if upload is not None else "",
                                        if_match=if_match(), request=idempotent_request(principal, body))
    return answer(outcome, 201)


@blp.route("/<plan_id>/certificates/<certificate_id>/file")
@blp.arguments(s.AccessHeadersSchema, location="headers")
@blp.response(200, content_type="application/octet-stream",
              description="the file as stored: application/pdf, image/png or image/jpeg")
def certificate_file(_purpose, plan_id, certificate_id):
    """The certificate's file, for those who may read the plan (HR states a purpose; in the access log)."""
    content_type, content, filename = service().certificate_file(plan_uuid(plan_id), current_principal(),
                                                                 certificate_id, access("certificate"))
    safe = "".join(ch for ch in filename if ch.isalnum() or ch in "._-") or "certificate"
    return Response(content, mimetype=content_type, headers={
        "Content-Disposition": f'attachment; filename="{safe}"', "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store"})


@blp.route("/<plan_id>/certificates/<certificate_id>/recertify", methods=["POST"])
@blp.arguments(s.RecertifySchema)
@blp.response(201, s.WriteResultSchema)
def recertify(body, plan_id, certificate_id):
    """Open a recertification action for an expiring or expired certificate in one step: a planned action like the
    old one, linked to it, in this plan or (when it is closed) the person's open plan."""
    principal = current_principal()
    outcome = service().open_recertification(plan_uuid(plan_id), principal, certificate_id, **body,
                                             request=idempotent_request(principal, body))
    return answer(outcome, 201)


add_certificate.accepts = {"multipart/form-data", "application/x-www-form-urlencoded"}
