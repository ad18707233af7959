"""gunicorn settings for production (`make serve`, systemd, compose). Every knob is an environment variable."""

import multiprocessing
import os

bind = os.environ.get("OPENDOOR_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("OPENDOOR_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
threads = int(os.environ.get("OPENDOOR_THREADS", "4"))
worker_class = os.environ.get("OPENDOOR_WORKER_CLASS", "gthread")
timeout = 60
graceful_timeout = 30
# Recycle workers now and then so that a slow leak in any library cannot grow without bound — rarely: a new
# worker loads Django and warms its caches, and at a few hundred requests a second 2,000 meant a restart of each
# worker every few seconds.
max_requests = int(os.environ.get("OPENDOOR_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
# Access log lines carry the path with opaque codes only; no query strings with personal data are used.
accesslog = "-"
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
forwarded_allow_ips = os.environ.get("OPENDOOR_FORWARDED_ALLOW_IPS", "127.0.0.1")
