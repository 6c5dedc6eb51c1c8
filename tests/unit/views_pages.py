"""The plan log projected in pages of a chosen size, as the projector would: tests compare the tables that pages
of 1, of a few and of the whole log give (they must be equal)."""

from __future__ import annotations

from services.plan.views.projector import Projector


def whole_log(service) -> list[tuple]:
    """Every notification of SERVICE's log with its domain event, read a page at a time."""
    log: list[tuple] = []
    while page := service.notification_log.select(log[-1][0].id if log else 0, 1000, inclusive_of_start=False):
        log += [(n, service.mapper.to_domain_event(n)) for n in page]
    return log


def project_in_pages(service, log: list[tuple], size: int, label: str) -> Projector:
    """A projector into fresh tables (suffix `_LABEL`) that applied LOG in pages of SIZE, each in its own
    transaction and, on PostgreSQL, pipeline (Projector._apply does the same)."""
    projector = Projector(service, name=label, suffix=f"_{label}", snapshots=False)
    store = service.view_store
    for at in range(0, len(log), size):
        with store.transaction(commit=True) as cursor, store.pipelined(cursor):
            projector.projection.apply(cursor, log[at:at + size])
    return projector
