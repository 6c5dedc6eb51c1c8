"""HTTP endpoints of the recommender, one blueprint per resource, and the table mapping its errors to 4xx."""

from __future__ import annotations

from flask import Flask

from recommender.application import (
    InvalidRequestError,
    OfferNotFoundError,
    PreconditionFailedError,
    RoleNotFoundError,
)
from shared.errors import ApiError, field_error, register_error_mapping


def register_domain_errors(app: Flask) -> None:
    register_error_mapping(app, {
        OfferNotFoundError: lambda error: ApiError(404, "offer not found"),
        RoleNotFoundError: lambda error: ApiError(404, f"no role profile {error}"),
        PreconditionFailedError: lambda error: ApiError(
            412, f"the offer is at version {error}", headers={"ETag": f'"{error}"'}),
        InvalidRequestError: lambda error: field_error(error.status, error.field, error.reason),
    })
