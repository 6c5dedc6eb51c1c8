"""HTTP endpoints of the recommender, one blueprint per resource; domain errors map to 4xx here."""

from __future__ import annotations

from flask import Flask

from recommender.application import (
    InvalidRequestError,
    OfferNotFoundError,
    PreconditionFailedError,
    RoleNotFoundError,
)
from shared.errors import ApiError, field_error


def register_domain_errors(app: Flask) -> None:
    """One place turns domain errors into the shared JSON error shape."""

    @app.errorhandler(OfferNotFoundError)
    def offer_not_found(error: OfferNotFoundError):
        return app.handle_user_exception(ApiError(404, "offer not found"))

    @app.errorhandler(RoleNotFoundError)
    def role_not_found(error: RoleNotFoundError):
        return app.handle_user_exception(ApiError(404, f"no role profile {error}"))

    @app.errorhandler(PreconditionFailedError)
    def precondition_failed(error: PreconditionFailedError):
        return app.handle_user_exception(ApiError(
            412, f"the offer is at version {error}", headers={"ETag": f'"{error}"'}))

    @app.errorhandler(InvalidRequestError)
    def invalid_request(error: InvalidRequestError):
        return app.handle_user_exception(field_error(error.status, error.field, error.reason))
