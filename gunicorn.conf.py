"""gunicorn settings for running the trainee app in production (see docs/deploy.md).

    gunicorn --config gunicorn.conf.py 'trainer.web:create_app()'

Each worker builds its own app, catalogue and database pool after the fork (no preload), so no
connection is ever shared between processes. Settings can be overridden on the command line or
with the environment variables named below.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from typing import Any

bind = os.environ.get("TRAINER_BIND", "127.0.0.1:8000")
# Workers: processes (one app, one pool each), each serving one request at a time; the gthread
# class still keeps idle keep-alive connections aside without tying up the worker. One thread per
# worker, because the work is CPU-bound Python: with 4 threads, a thread holding the SQLite write
# lock had to win the GIL back from the others after every statement, and the whole server
# submitted 200 quizzes a second with a fifth of the CPU idle; with 1 it submitted 350 (bench/serve.py).
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
worker_class = "gthread"
threads = int(os.environ.get("TRAINER_THREADS", "1"))
preload_app = False
timeout = 30
graceful_timeout = 30
keepalive = 5
# No recycling by default: a worker's memory is bounded (the catalogue plus fixed-size caches),
# and a recycled worker reloads and revalidates the whole content (about a second of CPU) and starts
# with cold caches, so recycling every few thousand requests cost a loaded server a third of its
# quiz-page throughput and put its p99 in seconds. TRAINER_MAX_REQUESTS=N turns it back on (with
# 10% jitter, so workers never all restart at once).
max_requests = int(os.environ.get("TRAINER_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("TRAINER_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("TRAINER_LOG_LEVEL", "info")
# Behind a reverse proxy on the same host: trust its X-Forwarded-* headers only.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Production checks in the app: refuse to start without a SECRET_KEY.
raw_env = [f"TRAINER_ENV={os.environ.get('TRAINER_ENV', 'production')}"]


def post_worker_init(worker: Any) -> None:
    """Once a worker has built its app: move what it loaded out of the garbage collector's sight.

    The catalogue (every module, question and rendered fragment) is a few hundred thousand objects
    that live as long as the worker. Left in the collector's oldest generation, each full
    collection walked them all, pausing every request in the worker for up to a quarter of a
    second; frozen, the collections only look at what requests create.
    """
    del worker
    gc.freeze()
