"""Plan service metrics: what operators watch besides request latency."""

from prometheus_client import Counter, Histogram

EVENTS_APPENDED = Counter("groeipad_plan_events_appended_total", "Plan events stored", ["type"])
PLAN_LOAD_SECONDS = Histogram("groeipad_plan_load_seconds",
                              "Time to get one plan for a read or a write, from the cache or the store",
                              buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1))
WRITE_RETRIES = Counter("groeipad_plan_write_retries_total", "Writes retried after another writer won")
