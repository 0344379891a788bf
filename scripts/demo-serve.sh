#!/usr/bin/env bash
# Serve the service with a task worker beside it (the background tasks: emails,
# summary packs), as one command: Ctrl-C stops both, and if either stops the
# other is stopped too, so the worker never outlives the server.
#
#   PORT=8080 scripts/demo-serve.sh      (PYTHON: the interpreter, .venv's by default)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
PORT=${PORT:-8000}

# Each in its own process group, so that stopping it stops its children too
# (the server's autoreloader runs the server in a child process).
set -m
"$PYTHON" manage.py db_worker &
worker=$!
"$PYTHON" manage.py runserver "127.0.0.1:$PORT" &
server=$!
set +m

stop() {
    trap - EXIT INT TERM
    kill -TERM -- "-$server" "-$worker" 2>/dev/null || true
    wait "$server" "$worker" 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "Serving on http://127.0.0.1:$PORT with a task worker (pids $server, $worker); Ctrl-C stops both."
# Until either of them stops.
wait -n "$server" "$worker" || true
