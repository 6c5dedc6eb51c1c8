"""What the recommender itself records about people: what it showed to whom, their dismissals with a
reason, whether they want suggestions at all, and the groups HR assigns them for fairness monitoring.

These rows are the recommender's own records, not derived from the plan feed: a rebuild of the read
model keeps them, and a person's erasure (PersonErased on the feed) deletes them. The log of what was
shown is kept for RECOMMENDER_LOG_RETENTION_DAYS (default 183, about six months) and pruned.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from shared.config import env_int

DEFAULT_RETENTION_DAYS = 183
PRUNE_EVERY_SECONDS = 3600.0
DISMISSAL_REASONS = ("not_relevant", "too_expensive", "no_time", "known", "other")
OWN_TABLES = {
    "shown": ("CREATE TABLE IF NOT EXISTS {t} (entry_id TEXT PRIMARY KEY, shown_at TEXT NOT NULL, "
              "employee_id TEXT NOT NULL, viewer TEXT NOT NULL, recommendation_id TEXT NOT NULL, "
              "offer_id TEXT NOT NULL, title TEXT, gap TEXT NOT NULL, rank INTEGER NOT NULL, score REAL, "
              "reasons TEXT NOT NULL, model_version TEXT NOT NULL, settings_version INTEGER NOT NULL, "
              "index_version BIGINT NOT NULL)"),
    "dismissals": ("CREATE TABLE IF NOT EXISTS {t} (entry_id TEXT PRIMARY KEY, dismissed_at TEXT NOT NULL, "
                   "employee_id TEXT NOT NULL, offer_id TEXT NOT NULL, gap TEXT, reason TEXT NOT NULL, "
                   "note TEXT, cost REAL, hours REAL, level TEXT)"),
    "preferences": ("CREATE TABLE IF NOT EXISTS {t} (employee_id TEXT PRIMARY KEY, suggestions INTEGER NOT NULL, "
                    "changed_at TEXT NOT NULL)"),
    "groups": ("CREATE TABLE IF NOT EXISTS {t} (employee_id TEXT PRIMARY KEY, groups TEXT NOT NULL, "
               "changed_at TEXT NOT NULL)"),
}
OWN_INDEXES = {"shown": "CREATE INDEX IF NOT EXISTS {i} ON {t} (employee_id, shown_at)"}


def now() -> datetime:
    return datetime.now(UTC)


def stamp(moment: datetime) -> str:
    """One fixed-width UTC form, so text order is time order in either database."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def retention_days() -> int:
    return env_int("RECOMMENDER_LOG_RETENTION_DAYS", DEFAULT_RETENTION_DAYS, minimum=1)


class AccountabilityLog:
    """Reads and writes the recommender's own records about people, in the read model's store."""

    def __init__(self, readmodel, days: int | None = None):
        self.rm = readmodel
        self.days = days or retention_days()
        self._pruned: float | None = None  # the first write of a process prunes, then at most hourly

    def cutoff(self, at: datetime | None = None) -> str:
        return stamp((at or now()) - timedelta(days=self.days))

    # -- what was shown --------------------------------------------------------------------------
    def record_shown(self, employee_id: str, viewer: str, items: list[dict], model: dict,
                     at: datetime | None = None) -> None:
        """Log each shown item with its rank, reasons and the model version that chose it."""
        if not items:
            return
        when = stamp(at or now())
        rows = [(str(uuid4()), when, employee_id, viewer, item["recommendation_id"], item["offer_id"],
                 item.get("title"), item.get("gap") or "", rank, item.get("score"),
                 json.dumps(item.get("reasons") or []), model["model_version"], model["settings_version"],
                 model["index_version"]) for rank, item in enumerate(items, start=1)]
        self.rm.write(f"INSERT INTO {self.rm.table('shown')} (entry_id, shown_at, employee_id, viewer, "
                      "recommendation_id, offer_id, title, gap, rank, score, reasons, model_version, "
                      "settings_version, index_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        if self._pruned is None or time.monotonic() - self._pruned > PRUNE_EVERY_SECONDS:
            self.prune()

    def prune(self, at: datetime | None = None) -> int:
        """Delete log entries older than the retention period; returns how many."""
        self._pruned = time.monotonic()
        cutoff = self.cutoff(at)
        found = self.rm.query(f"SELECT COUNT(*) AS n FROM {self.rm.table('shown')} WHERE shown_at < ?", (cutoff,))
        self.rm.write(f"DELETE FROM {self.rm.table('shown')} WHERE shown_at < ?", [(cutoff,)])
        return int(found[0]["n"])

    def shown_to(self, employee_id: str, offer_id: str | None = None, limit: int = 1000) -> list[dict]:
        """A person's log entries within the retention period, newest first (optionally for one offer)."""
        sql = (f"SELECT shown_at, viewer, recommendation_id, offer_id, title, gap, rank, score, reasons, "
               f"model_version, settings_version, index_version FROM {self.rm.table('shown')} "
               "WHERE employee_id = ? AND shown_at >= ?")
        params: list[Any] = [employee_id, self.cutoff()]
        if offer_id is not None:
            sql += " AND offer_id = ?"
            params.append(offer_id)
        rows = self.rm.query(sql + f" ORDER BY shown_at DESC, rank LIMIT {int(limit)}", params)
        return [{**dict(r), "reasons": json.loads(r["reasons"])} for r in rows]

    def shown_rows(self, since: str | None = None) -> list[dict]:
        """Every entry within the retention period (aggregate reports): who, which offer, which model."""
        return [dict(r) for r in self.rm.query(
            f"SELECT employee_id, offer_id, gap, model_version, shown_at FROM {self.rm.table('shown')} "
            "WHERE shown_at >= ?", (max(since or "", self.cutoff()),))]

    # -- dismissals --------------------------------------------------------------------------------
    def record_dismissal(self, employee_id: str, offer: dict, gap: str | None, reason: str,
                         note: str | None) -> dict:
        row = {"entry_id": str(uuid4()), "dismissed_at": stamp(now()), "employee_id": employee_id,
               "offer_id": offer["offer_id"], "gap": gap, "reason": reason, "note": note,
               "cost": offer.get("cost"), "hours": offer.get("hours"), "level": offer.get("level")}
        self.rm.write(f"INSERT INTO {self.rm.table('dismissals')} ({', '.join(row)}) "
                      f"VALUES ({', '.join('?' for _ in row)})", [tuple(row.values())])
        return row

    def dismissals(self, employee_id: str) -> list[dict]:
        return [dict(r) for r in self.rm.query(
            f"SELECT dismissed_at, offer_id, gap, reason, note, cost, hours, level FROM "
            f"{self.rm.table('dismissals')} WHERE employee_id = ? ORDER BY dismissed_at", (employee_id,))]

    def dismissal_counts(self) -> dict[str, int]:
        """Per person: how many suggestions they dismissed here (fairness report)."""
        rows = self.rm.query(f"SELECT employee_id, COUNT(*) AS n FROM {self.rm.table('dismissals')} "
                             "GROUP BY employee_id")
        return {r["employee_id"]: int(r["n"]) for r in rows}

    # -- preferences ---------------------------------------------------------------------------------
    def suggestions_on(self, employee_id: str) -> bool:
        rows = self.rm.query(f"SELECT suggestions FROM {self.rm.table('preferences')} WHERE employee_id = ?",
                             (employee_id,))
        return not rows or bool(rows[0]["suggestions"])

    def set_suggestions(self, employee_id: str, enabled: bool) -> dict:
        changed = stamp(now())
        self.rm.write(f"INSERT INTO {self.rm.table('preferences')} (employee_id, suggestions, changed_at) "
                      "VALUES (?, ?, ?) ON CONFLICT (employee_id) DO UPDATE SET "
                      "suggestions = excluded.suggestions, changed_at = excluded.changed_at",
                      [(employee_id, int(enabled), changed)])
        return {"employee_id": employee_id, "suggestions": enabled, "changed_at": changed}

    def preference(self, employee_id: str) -> dict:
        rows = self.rm.query(f"SELECT suggestions, changed_at FROM {self.rm.table('preferences')} "
                             "WHERE employee_id = ?", (employee_id,))
        if not rows:
            return {"employee_id": employee_id, "suggestions": True, "changed_at": None}
        return {"employee_id": employee_id, "suggestions": bool(rows[0]["suggestions"]),
                "changed_at": rows[0]["changed_at"]}

    # -- groups HR assigns -----------------------------------------------------------------------------
    def set_groups(self, people: list[dict]) -> int:
        changed = stamp(now())
        self.rm.write(f"INSERT INTO {self.rm.table('groups')} (employee_id, groups, changed_at) VALUES (?, ?, ?) "
                      "ON CONFLICT (employee_id) DO UPDATE SET groups = excluded.groups, "
                      "changed_at = excluded.changed_at",
                      [(p["person_id"], json.dumps(p["groups"], sort_keys=True), changed) for p in people])
        return len(people)

    def groups(self) -> dict[str, dict[str, str]]:
        return {r["employee_id"]: json.loads(r["groups"])
                for r in self.rm.query(f"SELECT employee_id, groups FROM {self.rm.table('groups')}")}

    def person_groups(self, employee_id: str) -> dict[str, str]:
        rows = self.rm.query(f"SELECT groups FROM {self.rm.table('groups')} WHERE employee_id = ?", (employee_id,))
        return json.loads(rows[0]["groups"]) if rows else {}

    # -- GDPR ------------------------------------------------------------------------------------------
    def person_data(self, employee_id: str) -> dict[str, Any]:
        """Everything recorded here about one person (their part of the GDPR export)."""
        return {"suggestions_shown": self.shown_to(employee_id, limit=100_000),
                "retention_days": self.days,
                "dismissals": self.dismissals(employee_id),
                "preferences": self.preference(employee_id),
                "groups": self.person_groups(employee_id)}
