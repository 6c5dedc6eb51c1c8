#!/bin/sh
# One image for every Groeipad service; the first argument chooses which one this container runs.
#
#   plan | recommender | portal | notifier   gunicorn with deploy/gunicorn.conf.py (one app per worker, no --preload)
#   follower                      `groeipad follow`: the recommender's feed follower (exactly one replica)
#   notifier-worker               `groeipad notify`: the notifier's feed follower, sweep and mailer (one replica)
#   xapi-sync                     `groeipad xapi-sync`: statements to a learning record store and back (one replica)
#   projector                     `groeipad project`: keeps the plan service's views (exactly one per store)
#   migrate                       `groeipad migrate`: every service's tables, once, before the workers start
#   groeipad ARGS...              any other operator command (token, import-people, seed-demo, ...)
#   healthcheck                   used by the image's HEALTHCHECK: GET /health of the service started here
#
# Workers run with table creation off unless told otherwise: several workers creating the schema at
# once on a fresh PostgreSQL race (shared/design/EVENTSOURCING.md §3). Run `migrate` first.
set -eu

HERE=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
STATE=/tmp/groeipad-service

usage() {
    echo "usage: $0 plan|recommender|portal|notifier|follower|notifier-worker|xapi-sync|projector|migrate|healthcheck|groeipad ARGS..." >&2
}

serve() {  # serve MODULE:app PORT
    export GROEIPAD_CREATE_TABLES="${GROEIPAD_CREATE_TABLES:-0}"
    # /metrics sums every worker's samples from here; gunicorn.conf.py empties it on start.
    export PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-/tmp/groeipad-metrics}"
    printf '%s\n' "$2" >"$STATE" 2>/dev/null || true
    exec gunicorn --config "$HERE/gunicorn.conf.py" --bind "0.0.0.0:$2" "$1"
}

healthcheck() {
    if [ ! -s "$STATE" ]; then
        return 0  # a follower or a one-shot command: the container lives as long as its process does
    fi
    port=$(cat "$STATE")
    exec python -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=4)' \
        "http://127.0.0.1:$port/health"
}

command=${1:-}
[ "$#" -gt 0 ] && shift
case "$command" in
    plan)        serve services.plan.wsgi:app 8001 ;;
    recommender) serve recommender.wsgi:app 8002 ;;
    portal)      serve services.portal.wsgi:app 8000 ;;
    notifier)    serve services.notifier.wsgi:app 8004 ;;
    follower)
        export GROEIPAD_CREATE_TABLES="${GROEIPAD_CREATE_TABLES:-0}"
        exec groeipad follow "$@" ;;
    notifier-worker)
        export GROEIPAD_CREATE_TABLES="${GROEIPAD_CREATE_TABLES:-0}"
        exec groeipad notify "$@" ;;
    xapi-sync)
        export GROEIPAD_CREATE_TABLES="${GROEIPAD_CREATE_TABLES:-0}"
        exec groeipad xapi-sync "$@" ;;
    projector)
        export GROEIPAD_CREATE_TABLES="${GROEIPAD_CREATE_TABLES:-0}"
        exec groeipad project "$@" ;;
    migrate)     exec groeipad migrate "$@" ;;
    groeipad)    exec groeipad "$@" ;;
    healthcheck) healthcheck ;;
    -h|--help|help)
        usage
        exit 0 ;;
    *)
        usage
        [ -n "$command" ] && echo "unknown service: $command" >&2
        exit 64 ;;
esac
