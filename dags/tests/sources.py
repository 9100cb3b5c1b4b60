"""The real things the end-to-end tests run against: the built task jars, and the simulator's PostgreSQL,
shop database, file drop and products API.

Every piece is detected before use. A missing jar or a simulator command that is not implemented yet makes
the tests that need it skip with the reason, unless ``SHOPFLOW_TEST_REQUIRE_ALL=1`` (CI, once everything is
built), which turns each such skip into a failure.
"""

from __future__ import annotations

import json
import os
import queue
import secrets
import shutil
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import REPO

TASK_MODULES = ("extract-db", "extract-api", "land-files")


def unavailable(reason: str):
    """Skips the test, or fails it when the run requires every piece to be there."""
    if os.environ.get("SHOPFLOW_TEST_REQUIRE_ALL", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"required for this run (SHOPFLOW_TEST_REQUIRE_ALL): {reason}")
    pytest.skip(reason)


def java() -> str:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return str(Path(home) / "bin" / "java")
    found = shutil.which("java")
    if not found:
        unavailable("no java on PATH and no JAVA_HOME")
    return found


def jar(module: str) -> Path:
    path = REPO / "tasks" / module / "target" / "quarkus-app" / "quarkus-run.jar"
    if not path.is_file():
        unavailable(f"{path.relative_to(REPO)} is not built (./mvnw package -pl tasks/{module})")
    return path


def run_jar(module: str, args: list[str], env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([java(), "-jar", str(jar(module)), *args], env=env, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def last_json(stdout: str) -> dict:
    lines = [x for x in stdout.splitlines() if x.strip()]
    return json.loads(lines[-1]) if lines else {}


def base_env() -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "TZ", "TMPDIR", "JAVA_HOME")
    return {k: os.environ[k] for k in keep if k in os.environ}


def simulator_supports(*command: str) -> bool:
    """True if ``simulator <command> --help`` prints that command's own usage. (For an unknown subcommand
    picocli prints the parent's usage, and placeholder commands without --help exit 2.)"""
    r = run_jar("simulator", [*command, "--help"], base_env(), timeout=60)
    return r.returncode == 0 and r.stdout.lstrip().startswith("Usage: simulator " + " ".join(command))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Lines:
    """Reads a process's stdout lines on a thread, so waiting for one has a deadline."""

    def __init__(self, stream):
        self.q: queue.Queue = queue.Queue()
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream):
        for line in stream:
            self.q.put(line)
        self.q.put(None)

    def next(self, timeout: float) -> str | None:
        try:
            return self.q.get(timeout=timeout)
        except queue.Empty:
            return None


def stop(process: subprocess.Popen | None) -> None:
    """SIGTERM (the simulator's shutdown hook stops PostgreSQL cleanly), then SIGKILL after 30 s."""
    if process is not None and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@dataclass
class Postgres:
    """The simulator's PostgreSQL: databases ``shop`` and ``warehouse``, user postgres."""

    shop_url: str
    warehouse_url: str
    user: str
    password: str
    process: subprocess.Popen | None  # None: a server this test run did not start, left running

    def contract_env(self) -> dict[str, str]:
        return {
            "SOURCE_DB_URL": self.shop_url, "SOURCE_DB_USER": self.user, "SOURCE_DB_PASSWORD": self.password,
            "WAREHOUSE_DB_URL": self.warehouse_url, "WAREHOUSE_DB_USER": self.user,
            "WAREHOUSE_DB_PASSWORD": self.password,
        }

    def connect(self, jdbc_url: str):
        import psycopg

        u = urlparse(jdbc_url.removeprefix("jdbc:"))
        return psycopg.connect(host=u.hostname, port=u.port, dbname=u.path.lstrip("/"), user=self.user,
                               password=self.password, autocommit=True, connect_timeout=10)


def start_postgres() -> Postgres:
    """The simulator's PostgreSQL, or an already running one described by ``SHOPFLOW_TEST_POSTGRES`` (the
    simulator's JSON line: shop_url, warehouse_url, user) with its password in ``SHOPFLOW_TEST_POSTGRES_PASSWORD``."""
    given = os.environ.get("SHOPFLOW_TEST_POSTGRES")
    if given:
        info = json.loads(given)
        return Postgres(info["shop_url"], info["warehouse_url"], info.get("user", "postgres"),
                        os.environ["SHOPFLOW_TEST_POSTGRES_PASSWORD"], None)
    password = "pg-" + secrets.token_hex(8)
    env = {**base_env(), "SOURCE_DB_PASSWORD": password}
    for command in (["postgres"], ["db", "postgres"]):
        if not simulator_supports(*command):
            continue
        p = subprocess.Popen([java(), "-jar", str(jar("simulator")), *command, "--port", "0"], env=env,
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lines = _Lines(p.stdout)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            line = lines.next(timeout=max(0.1, deadline - time.monotonic()))
            if line is None:
                break
            if line.startswith("{"):
                info = json.loads(line)
                return Postgres(info["shop_url"], info["warehouse_url"], info.get("user", "postgres"), password, p)
        stop(p)
        err = p.stderr.read() if p.stderr else ""
        pytest.fail(f"simulator {' '.join(command)} did not print its JSON line: {err.strip()[:500]}")
    unavailable("the simulator has no 'postgres' command yet (tried 'postgres' and 'db postgres')")


def api_server(token: str, first_day: str, days: int):
    """Starts ``simulator api --port P``; returns (process, base URL) or skips if the command is not there."""
    if not simulator_supports("api"):
        unavailable("'simulator api' is not implemented yet")
    port = free_port()
    env = {**base_env(), "PRODUCTS_API_TOKEN": token}
    p = subprocess.Popen([java(), "-jar", str(jar("simulator")), "api", "--port", str(port),
                          "--first-day", first_day, "--days", str(days)], env=env,
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and p.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return p, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.3)
    stop(p)
    unavailable(f"'simulator api --port {port}' did not start listening: {(p.stdout.read() or '').strip()[:300]}")


def raw_partition_rows(conn, table: str, start: str, end: str) -> int:
    with conn.cursor() as c:
        c.execute("select to_regclass(%s)", (f"raw.{table}",))
        if c.fetchone()[0] is None:
            return -1
        c.execute(f'select count(*) from raw."{table}" where _interval_start = %s::timestamptz '
                  f'and _interval_end = %s::timestamptz', (start, end))
        return c.fetchone()[0]


def warehouse_fingerprint(conn) -> dict[str, tuple[int, str]]:
    """Row count and content checksum of every table in schema raw, metadata columns included."""
    out = {}
    with conn.cursor() as c:
        c.execute("select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
                  "where n.nspname = 'raw' and c.relkind in ('r', 'p') and not c.relispartition order by 1")
        for (name,) in c.fetchall():
            c.execute(f'select count(*), md5(coalesce(string_agg(t::text, E\'\\n\' order by t::text), \'\')) '
                      f'from raw."{name}" t')
            out[name] = tuple(c.fetchone())
    return out
