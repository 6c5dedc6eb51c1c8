-- One database per service on the one PostgreSQL: each service owns its store (ARCHITECTURE.md).
-- The image's POSTGRES_DB creates groeipad_plan; this script, run once on an empty volume, adds the rest.
CREATE DATABASE groeipad_recommender;
CREATE DATABASE groeipad_portal;
CREATE DATABASE groeipad_notifier;
CREATE DATABASE groeipad_xapi;
