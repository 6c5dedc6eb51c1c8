"""HTTP endpoints of the plan service and the one table that maps its errors to statuses."""

from __future__ import annotations

from flask import Flask

from services.plan.application import (
    ForbiddenError,
    PersonDeactivatedError,
    PlanNotFoundError,
    PreconditionFailedError,
    RequirementNotFoundError,
    TemplateNotFoundError,
    WriteConflictError,
)
from services.plan.badges.issuer import CredentialErasedError, CredentialNotFoundError
from services.plan.badges.store import StatusListFullError
from services.plan.cycles import CycleNotFoundError
from services.plan.domain.errors import DomainError
from shared.errors import ApiError, register_error_mapping
from shared.sealing import PersonErasedError


def register_domain_errors(app: Flask) -> None:
    register_error_mapping(app, {
        DomainError: lambda error: ApiError(error.status, str(error), error.errors),
        PlanNotFoundError: lambda error: ApiError(404, "plan not found"),
        TemplateNotFoundError: lambda error: ApiError(404, "template not found"),
        RequirementNotFoundError: lambda error: ApiError(404, "requirement not found"),
        CycleNotFoundError: lambda error: ApiError(404, "cycle not found"),
        CredentialNotFoundError: lambda error: ApiError(404, "credential not found"),
        CredentialErasedError: lambda error: ApiError(
            410, "this credential's stored copy was erased with its holder's data; the status list says whether it "
                 "still stands"),
        StatusListFullError: lambda error: ApiError(503, "the badge status list is full; ask the operator"),
        ForbiddenError: lambda error: ApiError(403, str(error)),
        PreconditionFailedError: lambda error: ApiError(
            412, f"the plan changed: it is at version {error.current}; reload and retry",
            headers={"ETag": f'"{error.current}"'}),
        PersonErasedError: lambda error: ApiError(410, "this person's data was erased; nothing more is recorded"),
        WriteConflictError: lambda error: ApiError(409, "the plan is being changed by others; retry"),
        PersonDeactivatedError: lambda error: ApiError(
            409, "this person is deactivated: their plans are read-only until they are reactivated",
            [{"field": "employee_id", "reason": f"{error.person_id} is deactivated (read-only)"}]),
    })
