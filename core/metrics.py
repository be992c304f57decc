"""The Prometheus metrics of the tool and of the grade worker (`prometheus-client`), by name — a contract: the
operations guide (docs/operations.md) lists them and the scale-out test reads them.

One process, one registry (the library's default). `pix-lti serve --workers N` (N > 1) runs N uvicorn processes
behind one port: each one then writes its values to files in `PROMETHEUS_MULTIPROC_DIR` (set by `serve` before the
workers start; the library reads it when imported) and `/metrics`, answered by any of them, adds up every
process's files (`MultiProcessCollector`). Values that belong to the database, not to a process (the grade outbox's
depth, age and dead letters) are computed at scrape time by collectors (`ScrapeCollector`), never stored.
Several instances (hosts) are scraped one by one: `pix_lti_instance_info{instance}` names each."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, start_http_server
from prometheus_client.core import REGISTRY, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
VERSION = "0.1.0"

HTTP_REQUESTS = Counter("pix_lti_http_requests", "HTTP requests answered, by route template, method and status.",
                        ["route", "method", "status"])
HTTP_DURATION = Histogram("pix_lti_http_request_duration_seconds",
                          "Time to answer an HTTP request (until the response is sent), by route template.",
                          ["route", "method"],
                          buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
LTI_LAUNCHES = Counter("pix_lti_lti_launches", "LTI launches accepted, by message type.", ["kind"])
LTI_REFUSALS = Counter("pix_lti_lti_launch_refusals", "LTI logins and launches refused, by refusal code.",
                       ["reason"])
GAR_LOGINS = Counter("pix_lti_gar_logins", "GAR (médiacentre) logins, by outcome (accepted or the refusal code).",
                     ["outcome"])
ANSWERS = Counter("pix_lti_answers", "Answers recorded, by test context and outcome.", ["context", "outcome"])
GRADES_SENT = Counter("pix_lti_grades_sent", "Outbox deliveries attempted by the grade worker, by outcome "
                      "(delivered, retry, dead).", ["outcome"])
DATABASE_ERRORS = Counter("pix_lti_database_errors", "PostgreSQL unreachable or failing, by exception class.",
                          ["kind"])
REDIS_ERRORS = Counter("pix_lti_redis_errors", "Redis unreachable or failing, by exception class.", ["kind"])


def instance_name() -> str:
    """`PIX_LTI_INSTANCE_NAME`, else host:pid (`serve` sets it once for all its workers)."""
    return os.environ.get("PIX_LTI_INSTANCE_NAME") or f"{socket.gethostname()}:{os.getpid()}"


def multiprocess() -> bool:
    return bool(os.environ.get(MULTIPROC_ENV))


class ScrapeCollector(Collector):
    """Metrics computed when scraped: `pix_lti_instance_info`, and whatever `sources` yield (database gauges)."""

    def __init__(self, sources: Iterable[Callable[[], Iterable[Metric]]] = ()) -> None:
        self.sources = list(sources)

    def collect(self) -> Iterator[Metric]:
        info = GaugeMetricFamily("pix_lti_instance_info", "This instance: its name and version (value 1).",
                                 labels=["instance", "version"])
        info.add_metric([instance_name(), VERSION], 1.0)
        yield info
        for source in self.sources:
            yield from source()


class _ProcessRegistry(Collector):
    """The default registry's metrics (this process's), as one collector of a per-scrape registry."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def scrape_registry(sources: Iterable[Callable[[], Iterable[Metric]]] = ()) -> CollectorRegistry:
    """Every metric: this process's (or, in multiprocess mode, all workers'), plus the ones computed when scraped
    from `sources`."""
    registry = CollectorRegistry(auto_describe=False)
    if multiprocess():
        MultiProcessCollector(registry)
    else:
        registry.register(_ProcessRegistry())
    registry.register(ScrapeCollector(sources))
    return registry


def exposition(sources: Iterable[Callable[[], Iterable[Metric]]] = ()) -> bytes:
    """The text exposition (what `/metrics` answers)."""
    return generate_latest(scrape_registry(sources))


def serve_metrics(port: int, host: str, sources: Iterable[Callable[[], Iterable[Metric]]] = ()) -> None:
    """A process without a web server (the grade worker) exposes its metrics on its own port, in a thread."""
    start_http_server(port, addr=host, registry=scrape_registry(sources))


def prepare_multiprocess_dir(path: str) -> None:
    """Empty the directory of a previous run's files (stale counters of dead processes), creating it if needed."""
    os.makedirs(path, exist_ok=True)
    for name in os.listdir(path):
        if name.endswith(".db"):
            os.remove(os.path.join(path, name))
