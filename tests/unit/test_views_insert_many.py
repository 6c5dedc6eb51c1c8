"""ViewStore.insert_many writes what an executemany of the same INSERT ... ON CONFLICT would, row after row, on
both stores: on PostgreSQL it is one statement per run of distinct keys, so a key seen twice must start a new run."""

from __future__ import annotations

from shared.config import StoreSettings
from shared.views import ViewStore

COLUMNS = ("k", "n", "label", "amount", "note")


def store_of(url: str) -> tuple[ViewStore, object]:
    from eventsourcing.application import Application

    app = Application(env=StoreSettings(url).eventsourcing_env())
    return ViewStore.of(app), app


def test_later_rows_update_earlier_ones_and_do_nothing_keeps_the_first(store_url):
    store, app = store_of(store_url)
    try:
        with store.transaction(commit=True) as cursor:
            for name in ("upserted", "kept"):
                cursor.execute(store.sql(f"CREATE TABLE {{{name}}} (k TEXT NOT NULL, n INTEGER NOT NULL, label TEXT, "
                                         f"amount DOUBLE PRECISION, note TEXT, PRIMARY KEY (k, n))"))
        with store.transaction(commit=True) as cursor:
            cursor.execute(store.sql("INSERT INTO {upserted} VALUES ('b', 1, 'old', 1.5, 'stays')"))
            cursor.execute(store.sql("INSERT INTO {kept} VALUES ('b', 1, 'old', 1.5, 'stays')"))
        rows = [("a", 1, "first", 2.25, "a's note"), ("b", 1, "new", None, "not written"), ("a", 2, None, 0.0, None),
                ("a", 1, "second", 3.0, "not written"), ("c", 1, "it's \"quoted\" ü", 7.0, None),
                ("a", 1, "third", 4.0, "not written")]
        with store.transaction(commit=True) as cursor:
            store.insert_many(cursor, store.sql("{upserted}"), COLUMNS, rows, key=("k", "n"),
                              update=("label", "amount"))
            store.insert_many(cursor, store.sql("{kept}"), COLUMNS, rows, key=("k", "n"))
            store.insert_many(cursor, store.sql("{kept}"), COLUMNS, [], key=("k", "n"))

        def table(name):
            return [tuple(r[c] for c in COLUMNS) for r in store.rows(f"SELECT * FROM {{{name}}} ORDER BY k, n")]

        assert table("upserted") == [("a", 1, "third", 4.0, "a's note"), ("a", 2, None, 0.0, None),
                                     ("b", 1, "new", None, "stays"), ("c", 1, "it's \"quoted\" ü", 7.0, None)]
        assert table("kept") == [("a", 1, "first", 2.25, "a's note"), ("a", 2, None, 0.0, None),
                                 ("b", 1, "old", 1.5, "stays"), ("c", 1, "it's \"quoted\" ü", 7.0, None)]
    finally:
        app.close()
