"""The catalogue over HTTP: offers (CRUD, retire, history) and JSON Lines / CSV import and export."""

from __future__ import annotations

import json

from flask import Response, request
from flask.views import MethodView
from marshmallow import Schema, fields, validate
from rapidfuzz import fuzz

from recommender.api import schemas as s
from recommender.api.common import (
    actor,
    body_text,
    if_match,
    json_body,
    parse_uuid,
    reader,
    runtime,
    writer,
)
from recommender.catalogue_io import (
    CatalogueFormatError,
    OfferFieldsSchema,
    export_csv,
    export_ndjson,
    normalise,
    parse_catalogue,
)
from recommender.domainmodel import MEANS
from shared.config import env_int
from shared.errors import ApiError
from shared.httpapi import Blueprint

blp = Blueprint("offers", __name__, url_prefix="/api/v1", description="The learning catalogue.")

IMPORT_TYPES = {"text/csv", "application/x-ndjson", "application/json"}


class OfferListQuery(Schema):
    means = fields.String(validate=validate.OneOf(MEANS))
    language = fields.String(validate=validate.Length(equal=2))
    status = fields.String(load_default="published",
                           validate=validate.OneOf(("published", "retired", "all")))
    q = fields.String(validate=validate.Length(max=200),
                      metadata={"description": "words in title, provider or external id"})
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(0))


class OfferBody(OfferFieldsSchema):
    """A new offer: the catalogue's fields (catalogue_io.py), external_id, title and means required."""


class OfferChanges(OfferFieldsSchema):
    """Some fields of an offer; null clears one."""

    def __init__(self, **kwargs):
        super().__init__(partial=True, **kwargs)


class RetireBody(Schema):
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class ExportQuery(Schema):
    format = fields.String(load_default="jsonl", validate=validate.OneOf(("jsonl", "csv")))
    status = fields.String(load_default="published",
                           validate=validate.OneOf(("published", "retired", "all")))


def _with_etag(offer: dict, status: int = 200):
    return offer, status, {"ETag": f'"{offer["version"]}"'}


def _selected(status: str) -> list[dict]:
    offers = runtime().app.offers()
    if status != "all":
        offers = [o for o in offers if o["status"] == status]
    return sorted(offers, key=lambda o: o["external_id"])


def word_found(word: str, text: str) -> bool:
    """WORD is in TEXT, or, from four letters on, a word of TEXT is spelled close to it (a typo or two:
    "exel" finds "Excel", "leidingeven" "Leidinggeven")."""
    if word in text:
        return True
    if len(word) < 4:
        return False
    return any(fuzz.ratio(word, candidate) >= 85 for candidate in text.replace("-", " ").replace(":", " ").split()
               if abs(len(candidate) - len(word)) <= 2)


@blp.route("/offers")
class Offers(MethodView):
    @blp.arguments(OfferListQuery, location="query")
    @blp.response(200, s.OfferListSchema)
    def get(self, query):
        """Offers in the catalogue, filtered and paged (any signed-in role)."""
        reader()
        offers = sorted(runtime().app.offer_listing(query["status"]), key=lambda o: o["external_id"])
        if "means" in query:
            offers = [o for o in offers if o.get("means") == query["means"]]
        if "language" in query:
            offers = [o for o in offers if o.get("language") == query["language"]]
        if query.get("q"):
            words = query["q"].lower().split()
            offers = [o for o in offers if all(
                word_found(w, f'{o.get("title", "")} {o.get("provider", "")} {o["external_id"]}'.lower())
                for w in words)]
        window = offers[query["offset"]:query["offset"] + query["limit"]]
        # The list filters on compact records; only the page is decompressed into full offers.
        return {"offers": runtime().app.offer_page(o["offer_id"] for o in window), "total": len(offers)}

    @blp.arguments(OfferBody)
    @blp.response(201, s.OfferSchema)
    @blp.alt_response(403, "FORBIDDEN")
    @blp.alt_response(409, "CONFLICT")
    def post(self, body):
        """Publish one offer (ld, admin); external_id, title and means are required."""
        principal = writer()
        offer = runtime().app.publish_offer(normalise(body), actor(principal, "ld"))
        return _with_etag(offer, 201)


@blp.route("/offers/<offer_id>")
class Offer(MethodView):
    @blp.response(200, s.OfferSchema)
    @blp.alt_response(404, "NOT_FOUND")
    def get(self, offer_id):
        """One offer with its status and version (ETag)."""
        reader()
        return _with_etag(runtime().app.get_offer(parse_uuid(offer_id)))

    @blp.arguments(OfferChanges)
    @blp.response(200, s.OfferSchema)
    @blp.alt_response(403, "FORBIDDEN")
    @blp.alt_response(404, "NOT_FOUND")
    @blp.alt_response(409, "CONFLICT")
    @blp.alt_response(412, "PRECONDITION_FAILED")
    def patch(self, changes, offer_id):
        """Change some fields (ld, admin); null clears a field; If-Match is honoured."""
        principal = writer()
        key = parse_uuid(offer_id)
        offer = runtime().app.revise_offer(key, normalise(changes), actor(principal, "ld"), if_match())
        return _with_etag(offer)


@blp.route("/offers/<offer_id>/retire")
class RetireOffer(MethodView):
    @blp.arguments(RetireBody, required=False)
    @blp.response(200, s.OfferSchema)
    @blp.alt_response(403, "FORBIDDEN")
    @blp.alt_response(404, "NOT_FOUND")
    @blp.alt_response(412, "PRECONDITION_FAILED")
    def post(self, body, offer_id):
        """Retire an offer (ld, admin): it is no longer recommended; its history stays."""
        principal = writer()
        key = parse_uuid(offer_id)
        offer = runtime().app.retire_offer(key, actor(principal, "ld"), body.get("reason"), if_match())
        return _with_etag(offer)


@blp.route("/offers/<offer_id>/history")
class OfferHistory(MethodView):
    @blp.response(200, s.OfferHistorySchema)
    @blp.alt_response(404, "NOT_FOUND")
    def get(self, offer_id):
        """Every change of an offer: what, who and when."""
        reader()
        return {"history": runtime().app.offer_history(parse_uuid(offer_id))}


@blp.route("/catalogue/import")
class CatalogueImport(MethodView):
    accepts = IMPORT_TYPES

    @blp.doc(requestBody={"required": True, "content": {
        "application/x-ndjson": {"schema": {"type": "string"}, "example": '{"external_id": "X-1", '
                                 '"title": "Excel", "means": "mooc"}\n'},
        "text/csv": {"schema": {"type": "string"}, "example": "external_id,title,means\nX-1,Excel,mooc\n"},
        "application/json": {"schema": {"type": "array", "items": OfferBody}}}})
    @blp.response(200, s.CatalogueImportSchema)
    @blp.alt_response(403, "FORBIDDEN")
    @blp.alt_response(415, "UNSUPPORTED_MEDIA_TYPE")
    def post(self):
        """Upsert offers by external_id from JSON Lines, CSV or a JSON array (ld, admin)."""
        principal = writer()
        kind = {"text/csv": "csv"}.get(request.mimetype, "jsonl")
        text = body_text()
        if request.mimetype == "application/json":
            items = json_body()
            if not isinstance(items, list):
                raise ApiError(422, "invalid input",
                               [{"field": "body", "reason": "a JSON array of offers"}])
            text = "\n".join(json.dumps(item) for item in items)
        try:
            good, rejected = parse_catalogue(text, kind)
        except CatalogueFormatError as error:
            raise ApiError(422, str(error), [{"field": "body", "reason": str(error)}]) from None
        counts = runtime().app.import_offers(good, actor(principal, "ld"))
        return {**counts, "rejected": rejected}


@blp.route("/catalogue/export")
class CatalogueExport(MethodView):
    @blp.arguments(ExportQuery, location="query")
    @blp.response(200, content_type="application/x-ndjson", description="one offer per line (format=jsonl)")
    @blp.alt_response(200, content_type="text/csv", description="the import's CSV columns (format=csv)")
    def get(self, query):
        """The catalogue as JSON Lines or CSV, in the import format (any signed-in role)."""
        reader()
        offers = _selected(query["status"])
        if query["format"] == "csv":
            return Response(export_csv(offers), mimetype="text/csv")
        return Response(export_ndjson(offers), mimetype="application/x-ndjson")


def import_body_limit() -> int:
    """Catalogue files are larger than ordinary requests (RECOMMENDER_IMPORT_MAX_BYTES)."""
    return env_int("RECOMMENDER_IMPORT_MAX_BYTES", 64 * 1024 * 1024, minimum=1024)
