"""How gunicorn serves the service: `gunicorn -c gunicorn.conf.py config.wsgi`.

Options given on the command line win over these (e.g. `--bind 0.0.0.0:8000`).
"""

from __future__ import annotations

import os


def usable_cores() -> int:
    """The cores this process may run on: in a container limited by CPU
    affinity, that is fewer than the machine has."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


bind = "127.0.0.1:8000"

# 2 x cores + 1 worker processes of 4 threads each: a request spends most of
# its time in Python (templates, scoring), which a process's threads do not
# run in parallel, and some waiting on the database, when another thread or
# process can use the core. Threads keep a slow request (a regional dashboard
# of seconds) from holding up the quick ones behind it: with one request per
# worker, when the machine was busy with other work every worker was often
# taken and saves waited in the listen queue (bench/load.py --busy on a loaded
# machine, save p95: 13-21 s with 5 sync workers, 3.4 s with 9, 0.8-10.3 s
# with 5 x 4 threads). Each thread keeps a database connection of its own.
# WEB_CONCURRENCY sets the number of workers instead (fewer where memory is
# short, about 100 MB each), GUNICORN_THREADS the threads of each.
# Slow clients are the proxy's to buffer, not a thread's.
workers = int(os.environ.get("WEB_CONCURRENCY", "0")) or 2 * usable_cores() + 1
threads = int(os.environ.get("GUNICORN_THREADS", "0")) or 4
worker_class = "gthread" if threads > 1 else "sync"
# A connection closes after its response, as with sync workers: with threads,
# gunicorn would otherwise close an idle kept-alive connection while its
# client may be sending the next request on it (118 page loads answered
# "disconnected without a response" in one two-minute load test).
keepalive = 0

# No request should take more than 10 s (long work, such as summary PDFs and
# packs, runs in the background worker); the timeout only stops a worker that
# is stuck, well above that, and within what proxies wait (often 60 s).
timeout = 30
# On a restart or a stop (SIGTERM), requests under way have this long to end.
graceful_timeout = 30
# A fresh worker after about a thousand requests keeps memory from creeping
# (WeasyPrint's fonts and caches); the jitter keeps them from restarting together.
max_requests = 1000
max_requests_jitter = 100

# One line per request on standard output: when, from where (behind a proxy,
# the proxy's address), what, the status, bytes sent, how long it took in
# milliseconds, and the request id that the application's log lines of the
# same request carry (config/request_id.py).
accesslog = "-"
access_log_format = '%(t)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms [%({x-request-id}o)s]'
# Gunicorn's own messages (workers started, timed out) on standard error.
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
