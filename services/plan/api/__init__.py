"""HTTP endpoints of the plan service and the one place that maps domain errors to statuses."""

from __future__ import annotations

from flask import Flask

from services.plan.application import (
    ForbiddenError,
    PlanNotFoundError,
    PreconditionFailedError,
    WriteConflictError,
)
from services.plan.domain.errors import DomainError
from services.plan.personal_data import PersonErasedError
from shared.errors import ApiError


def register_domain_errors(app: Flask) -> None:
    """Domain and application errors become the shared JSON error shape, here and only here."""

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        return app.handle_user_exception(ApiError(error.status, str(error), error.errors))

    @app.errorhandler(PlanNotFoundError)
    def not_found(error):
        return app.handle_user_exception(ApiError(404, "plan not found"))

    @app.errorhandler(ForbiddenError)
    def forbidden(error):
        return app.handle_user_exception(ApiError(403, str(error)))

    @app.errorhandler(PreconditionFailedError)
    def stale(error: PreconditionFailedError):
        return app.handle_user_exception(ApiError(
            412, f"the plan changed: it is at version {error.current}; reload and retry",
            headers={"ETag": f'"{error.current}"'}))

    @app.errorhandler(PersonErasedError)
    def erased(error):
        return app.handle_user_exception(ApiError(410, "this person's data was erased; nothing more is recorded"))

    @app.errorhandler(WriteConflictError)
    def conflict(error):
        return app.handle_user_exception(ApiError(409, "the plan is being changed by others; retry"))
