"""A real Airflow 3 on this machine: the simulator's sources and Airflow's own components, started and stopped.

One implementation for the one-command local Airflow (``dags/airflow-local.sh``, ``python -m airflow_local``)
and the real-scheduler test (``tests/test_scheduler.py``). Every process runs in its own process group, so
stopping it also stops what it started (LocalExecutor workers, task JVMs); every wait has a deadline.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Mapping, Sequence

DAGS = Path(__file__).resolve().parents[1]
REPO = DAGS.parent
DAG_ID = "shopflow_ingest"
#: The components a user meets; the test leaves out the triggerer (the DAG defers nothing).
COMPONENTS = ("api-server", "scheduler", "dag-processor", "triggerer")


class StackError(RuntimeError):
    """Something the stack needs did not start or answer in time; the message says what and where to look."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_taken(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def java_home() -> Path:
    """The JDK the tasks run on: ``JAVA_HOME`` (else ``java`` on PATH), refused below 21."""
    home = os.environ.get("JAVA_HOME")
    java = Path(home) / "bin" / "java" if home else Path(shutil.which("java") or "java")
    try:
        r = subprocess.run([str(java), "-XshowSettings:properties", "-version"], capture_output=True, text=True,
                           timeout=60)
    except OSError:
        raise StackError(f"no JDK found ({java}): install a JDK 21 or newer and set JAVA_HOME") from None
    props = {k.strip(): v.strip() for k, _, v in (line.partition(" = ") for line in r.stderr.splitlines()) if v}
    version = props.get("java.specification.version", "0")
    if int(version.split(".")[0]) < 21:
        raise StackError(f"{java} is Java {version}; the tasks need Java 21 or newer: set JAVA_HOME to such a JDK")
    return Path(props["java.home"])


def jar(module: str) -> Path:
    path = REPO / "tasks" / module / "target" / "quarkus-app" / "quarkus-run.jar"
    if not path.is_file():
        raise StackError(f"{path.relative_to(REPO)} is not built: run ./mvnw -B package -DskipTests")
    return path


class Process:
    """A child in its own process group, its output appended to a log file (or read line by line)."""

    def __init__(self, name: str, command: Sequence[str], env: Mapping[str, str], log: Path | None,
                 cwd: Path | None = None):
        self.name = name
        self.log = log
        out: IO | int = subprocess.PIPE
        if log is not None:
            log.parent.mkdir(parents=True, exist_ok=True)
            out = open(log, "ab")
        self.popen = subprocess.Popen(list(command), env=dict(env), cwd=cwd, stdin=subprocess.DEVNULL, stdout=out,
                                      stderr=subprocess.STDOUT, start_new_session=True)
        if log is not None:
            out.close()

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self, grace: float = 20) -> None:
        """SIGTERM to the whole group, SIGKILL to what is left after ``grace`` seconds."""
        group = self.popen.pid
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 10)):
            try:
                os.killpg(group, sig)
            except ProcessLookupError:
                pass
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline and (self.popen.poll() is None or _group_alive(group)):
                time.sleep(0.2)
            if self.popen.poll() is not None and not _group_alive(group):
                return

    def tail(self, lines: int = 30) -> str:
        if self.log is None or not self.log.is_file():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


@dataclass
class Sources:
    """The simulator's three sources: PostgreSQL (databases shop and warehouse), products API, file drop."""

    env: dict[str, str]  # the contract's variables pointing at them (secrets included: local use only)
    file_drop: Path
    first_day: str
    days: int
    processes: list[Process] = field(default_factory=list)

    def stop(self) -> None:
        for p in reversed(self.processes):
            p.stop()


def start_sources(work: Path, first_day: str, days: int, orders: int, java: Path) -> Sources:
    """Starts ``simulator postgres`` and ``simulator api`` and writes a file drop under ``work``.

    The shop database gets ``orders`` orders spread over ``days`` days from ``first_day``; the API's products and
    the drop's date folders (each with ``_DONE``) cover the same days.
    """
    simulator = jar("simulator")
    java_bin = str(java / "bin" / "java")
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "TZ", "TMPDIR") if k in os.environ}
    base["JAVA_HOME"] = str(java)
    password, token = "pg-" + secrets.token_hex(8), "api-" + secrets.token_hex(8)
    started: list[Process] = []
    try:
        pg = Process("postgres", [java_bin, "-jar", str(simulator), "postgres", "--port", "0"],
                     {**base, "SOURCE_DB_PASSWORD": password}, log=None)
        started.append(pg)
        info = _json_line(pg, timeout=180)
        env = {"SOURCE_DB_URL": info["shop_url"], "SOURCE_DB_USER": info.get("user", "postgres"),
               "SOURCE_DB_PASSWORD": password, "WAREHOUSE_DB_URL": info["warehouse_url"],
               "WAREHOUSE_DB_USER": info.get("user", "postgres"), "WAREHOUSE_DB_PASSWORD": password}
        for args in (["db", "create"], ["db", "fill", "--orders", str(orders), "--first-day", first_day,
                                         "--days", str(days)]):
            _run([java_bin, "-jar", str(simulator), *args], {**base, **env}, timeout=600)
        drop = work / "file-drop"
        shutil.rmtree(drop, ignore_errors=True)
        _run([java_bin, "-jar", str(simulator), "files", "--dir", str(drop), "--first-day", first_day,
              "--days", str(days), "--manifest", str(work / "file-drop-manifest.json")], base, timeout=300)
        port = free_port()
        api = Process("api", [java_bin, "-jar", str(simulator), "api", "--port", str(port), "--first-day", first_day,
                              "--days", str(days)], {**base, "PRODUCTS_API_TOKEN": token}, log=work / "logs" / "api.log")
        started.append(api)
        _wait_for_port(port, api, timeout=90)
        env.update(PRODUCTS_API_URL=f"http://127.0.0.1:{port}", PRODUCTS_API_TOKEN=token, FILE_DROP_DIR=str(drop))
        return Sources(env, drop, first_day, days, started)
    except BaseException:
        for p in reversed(started):
            p.stop()
        raise


def _json_line(p: Process, timeout: float) -> dict:
    """The first stdout line of ``p`` that is a JSON object (the simulator's 'ready' line)."""
    found: list[dict] = []
    lines: list[str] = []

    def read():
        assert p.popen.stdout is not None
        for raw in p.popen.stdout:
            line = raw.decode(errors="replace").strip()
            if line.startswith("{") and not found:
                found.append(json.loads(line))
            else:
                lines.append(line)

    t = threading.Thread(target=read, daemon=True)
    t.start()
    deadline = time.monotonic() + timeout
    while not found and p.alive() and time.monotonic() < deadline:
        time.sleep(0.2)
    if not found:
        p.stop()
        raise StackError(f"simulator {p.name} did not start: {' | '.join(lines[-5:]) or 'no output'}")
    return found[0]


def _run(command: list[str], env: Mapping[str, str], timeout: float) -> None:
    r = subprocess.run(command, env=dict(env), capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    if r.returncode != 0:
        raise StackError(f"{' '.join(command[3:5])} exited {r.returncode}: {r.stderr.strip()[-500:]}")


def _wait_for_port(port: int, p: Process, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and p.alive():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise StackError(f"{p.name} did not listen on port {port}: {p.tail(5)}")


class Airflow:
    """Airflow's components with LocalExecutor, SQLite and the simple auth manager (everyone admin) in ``home``.

    ``env`` is what every component gets besides Airflow's own settings: the ``SHOPFLOW_*`` configuration and the
    contract's variables the local runner passes to the tasks. The api-server also serves the execution API the
    task processes report to, at the same port.
    """

    def __init__(self, home: Path, port: int, env: Mapping[str, str], *, import_timeout: int = 30,
                 parallelism: int = 4, python: str = sys.executable):
        self.home = home
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.python = python
        self.processes: list[Process] = []
        self._token: str | None = None
        # The caller's SHOPFLOW_* settings reach the DAG (e.g. SHOPFLOW_DB_CHUNKS to try chunking); an Airflow
        # of the caller's (AIRFLOW_HOME, AIRFLOW__*) must not.
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
        self.env.update(env)
        self.env.update({
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__CORE__PARALLELISM": str(parallelism),
            "AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT": str(import_timeout),
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.url}/execution/",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(port),
            "AIRFLOW__API__BASE_URL": self.url,
            "AIRFLOW__API__WORKERS": "1",
            # Fixed for this home, so that every component signs and checks the same tokens.
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),
            "AIRFLOW__API__SECRET_KEY": secrets.token_urlsafe(32),
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "10",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(DAGS), os.environ.get("PYTHONPATH", "")])),
        })

    def airflow(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
        r = subprocess.run([self.python, "-m", "airflow", *args], env=self.env, capture_output=True, text=True,
                           timeout=timeout, stdin=subprocess.DEVNULL)
        if r.returncode != 0:
            raise StackError(f"airflow {' '.join(args)} exited {r.returncode}: {r.stderr.strip()[-1500:]}")
        return r

    def start(self, components: Sequence[str] = COMPONENTS) -> None:
        """``airflow db migrate`` (a fresh home each time), then each component, logging to ``home/logs``."""
        if port_taken(self.port):
            raise StackError(f"port {self.port} on 127.0.0.1 is taken: stop what listens there (another Airflow?)")
        shutil.rmtree(self.home, ignore_errors=True)
        self.home.mkdir(parents=True)
        self.airflow("db", "migrate")
        try:
            for c in components:
                self.processes.append(Process(c, [self.python, "-m", "airflow", c], self.env,
                                              log=self.home / "logs" / f"{c}.log"))
        except BaseException:
            self.stop()
            raise

    def wait_ready(self, timeout: float = 240, dag: str | None = DAG_ID) -> None:
        """Until the api-server answers, every started component reports healthy and ``dag`` is parsed."""
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                health = self.get("/api/v2/monitor/health", auth=False)
                unhealthy = [k for k, v in health.items() if isinstance(v, dict) and v.get("status") != "healthy"
                             and self._started(k)]
                if not unhealthy and (dag is None or self._dag_ready(dag)):
                    return
                last = f"not healthy yet: {unhealthy}" if unhealthy else f"DAG {dag} not parsed yet"
            except (OSError, StackError) as e:
                last = str(e)
            time.sleep(1)
        raise StackError(f"Airflow not ready after {timeout:.0f} s ({last}); logs in {self.home / 'logs'}")

    def _started(self, health_key: str) -> bool:
        names = {"metadatabase": None, "scheduler": "scheduler", "triggerer": "triggerer",
                 "dag_processor": "dag-processor"}
        name = names.get(health_key)
        return name is None or any(p.name == name for p in self.processes)

    def _dag_ready(self, dag: str) -> bool:
        try:
            self.get(f"/api/v2/dags/{dag}")
            return True
        except StackError:
            errors = self.get("/api/v2/importErrors").get("import_errors", [])
            if errors:
                raise StackError(f"the DAG folder has import errors: {errors}") from None
            return False

    def check_alive(self) -> None:
        for p in self.processes:
            if not p.alive():
                raise StackError(f"airflow {p.name} exited with {p.popen.returncode}; its log ends with:\n{p.tail()}")

    def token(self) -> str:
        """A JWT from the simple auth manager (all-admins mode hands one out without credentials)."""
        if self._token is None:
            self._token = self.request("GET", "/auth/token", auth=False)["access_token"]
        return self._token

    def get(self, path: str, auth: bool = True) -> dict:
        return self.request("GET", path, auth=auth)

    def request(self, method: str, path: str, body: dict | None = None, auth: bool = True) -> dict:
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if auth:
            headers["Authorization"] = f"Bearer {self.token()}"
        req = urllib.request.Request(self.url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                text = r.read().decode()
        except urllib.error.HTTPError as e:
            raise StackError(f"{method} {path}: HTTP {e.code} {e.read().decode(errors='replace')[:500]}") from None
        return json.loads(text) if text else {}

    def import_pools(self, pools_file: Path = DAGS / "pools.json") -> list[str]:
        """The DAG's pools, as ``airflow pools import`` would create them (a task in a missing pool never runs)."""
        pools = json.loads(pools_file.read_text())
        for name, p in pools.items():
            self.request("POST", "/api/v2/pools", {"name": name, "slots": p["slots"], "description": p.get("description"),
                                                   "include_deferred": p.get("include_deferred", False)})
        return sorted(pools)

    def stop(self) -> None:
        for p in reversed(self.processes):
            p.stop()
        self.processes.clear()
