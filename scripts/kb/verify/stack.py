"""The local verification stack: real services on 127.0.0.1 that page commands run against.

`Stack` starts, once, Prometheus (the project's rule files plus a scenario TSDB written with
`promtool tsdb create-blocks-from openmetrics`; queries inline the recording rules, see
`inline_recorded`), Alertmanager with the project's config, redis-server with the auth token
and maxmemory the runbooks assume, PostgreSQL 15 (initdb/pg_ctl in a temporary folder, seeded with
`postgres-seed.sql`), the loopback Exa fake and moto's AWS emulator in server mode. `kb verify`,
`kb drill`, the tests and the benchmark use it through `with Stack(repo) as stack:`. Every process
is started here and stopped here, by its own pid; nothing outlives the `with` block.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from kb.verify.exa_fake import FakeExa

HERE = Path(__file__).resolve().parent
RULES_DIR = "infra/observability/prometheus/rules"
ALERTMANAGER_CONFIG = "infra/observability/alertmanager/alertmanager.yml"
#: The Redis settings the runbooks assume (ElastiCache `plasma-prod-redis`: auth token, maxmemory).
REDIS_MAXMEMORY = "64mb"
REDIS_POLICY = "volatile-lru"
#: PostgreSQL 15 binaries on Debian; PG_BIN overrides.
PG_BIN_DIRS = ("/usr/lib/postgresql/15/bin", "/usr/local/pgsql/bin")


def recording_rules(files: list[Path]) -> dict[str, str]:
    """Recorded series name -> the rule's expression, from the project's rule files."""
    import yaml

    found: dict[str, str] = {}
    for path in files:
        for group in (yaml.safe_load(path.read_text()) or {}).get("groups", []):
            for rule in group.get("rules", []):
                if "record" in rule:
                    found[rule["record"]] = " ".join(str(rule["expr"]).split())
    return found


def inline_recorded(expr: str, recorded: dict[str, str]) -> str:
    """Replace recorded series in `expr` by their expressions, to a fixed point.

    The scenario TSDB holds raw series only; Prometheus evaluates recording rules just at the
    current time, never over past data. Inlining the real rule expressions lets a query that
    reads `gateway:…:ratio_rate5m` at a scenario instant get the value the rule would have
    recorded there. A range over a recorded series becomes a subquery at the rules' 1m interval.
    """
    if not recorded:
        return expr
    names = "|".join(re.escape(n) for n in sorted(recorded, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w:])({names})(?![\w:{{])(\[[^\]]+\])?")

    def sub(match: re.Match) -> str:
        body = f"({recorded[match[1]]})"
        return body + (match[2][:-1] + ":1m]" if match[2] else "")

    for _ in range(5):
        new = pattern.sub(sub, expr)
        if new == expr:
            break
        expr = new
    return expr


class StackError(RuntimeError):
    """A service of the stack could not start; the message names it and the fix."""


def find_tool(*names: str) -> str | None:
    """The first of `names` on PATH or in the virtual environment's bin folder."""
    extra = str(Path(sys.executable).parent)
    for name in names:
        found = shutil.which(name) or shutil.which(name, path=extra)
        if found:
            return found
    return None


def need_tool(*names: str, hint: str) -> str:
    """Like `find_tool`, raising `StackError` with an install hint when none is found."""
    found = find_tool(*names)
    if not found:
        raise StackError(f"{names[0]} not found: {hint}")
    return found


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pg_bin(name: str) -> str:
    """The path of a PostgreSQL 15 server binary (initdb, pg_ctl, postgres)."""
    for folder in filter(None, (os.environ.get("PG_BIN"), *PG_BIN_DIRS)):
        candidate = Path(folder) / name
        if candidate.exists():
            return str(candidate)
    raise StackError(f"{name} not found: apt-get install postgresql (15); see `make deps-system`")


def http_get(url: str, timeout: float = 10.0) -> tuple[int, bytes]:
    """GET `url`; returns (status, body) for any HTTP answer, raising only on connection errors."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:  # noqa: S310 (loopback only)
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _wait_http(url: str, what: str, proc: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise StackError(f"{what} exited at start-up: {_tail(log)}")
        with contextlib.suppress(OSError):
            status, _ = http_get(url, timeout=2)
            if status == 200:
                return
        time.sleep(0.1)
    raise StackError(f"{what} not ready on {url} after {timeout:.0f}s: {_tail(log)}")


def _tail(log: Path) -> str:
    text = log.read_text(errors="replace") if log.exists() else ""
    return " | ".join(text.strip().splitlines()[-3:])


@dataclass
class Timings:
    """Seconds each part of the start-up took, printed apart from the checks."""

    parts: dict[str, float] = field(default_factory=dict)

    @contextlib.contextmanager
    def measure(self, name: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.parts[name] = self.parts.get(name, 0.0) + time.perf_counter() - start

    @property
    def total(self) -> float:
        return sum(self.parts.values())


class Stack:
    """Every local service `kb verify` needs, started once and stopped together."""

    def __init__(
        self, root: Path, *, workdir: Path | None = None, services: set[str] | None = None
    ):
        self.root = Path(root)
        self.services = services or {
            "prometheus",
            "alertmanager",
            "redis",
            "postgres",
            "exa",
            "aws",
        }
        self._own_tmp = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="kb-verify-"))
        self.procs: dict[str, subprocess.Popen] = {}
        self.timings = Timings()
        self.redis_password = secrets.token_hex(16)
        self.ports: dict[str, int] = {}
        self.exa: FakeExa | None = None
        self.scenarios = None  # kb.verify.scenarios.ScenarioSet once Prometheus is loaded
        self.recorded: dict[str, str] = {}

    # -- lifecycle --------------------------------------------------------------------------------

    def __enter__(self) -> Stack:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Start every requested service; raises StackError naming the one that failed."""
        starters = [
            ("prometheus", self._start_prometheus),
            ("alertmanager", self._start_alertmanager),
            ("redis", self._start_redis),
            ("postgres", self._start_postgres),
            ("exa", self._start_exa),
            ("aws", self._start_moto),
        ]
        for name, starter in starters:
            if name in self.services:
                with self.timings.measure(name):
                    starter()

    def stop(self) -> None:
        """Stop every process this stack started (by pid) and remove its temporary folder."""
        if "postgres" in self.procs and self.procs["postgres"].poll() is None:
            subprocess.run(
                [
                    *self._pg_prefix(),
                    pg_bin("pg_ctl"),
                    "-D",
                    str(self.workdir / "pg"),
                    "-m",
                    "fast",
                    "stop",
                ],
                capture_output=True,
                check=False,
            )
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs.clear()
        if self.exa is not None:
            self.exa.stop()
            self.exa = None
        if self._own_tmp:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def _spawn(self, name: str, args: list[str], **kwargs) -> tuple[subprocess.Popen, Path]:
        log = self.workdir / f"{name}.log"
        handle = log.open("ab")
        proc = subprocess.Popen(
            args, stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, **kwargs
        )
        handle.close()
        self.procs[name] = proc
        return proc, log

    # -- Prometheus -------------------------------------------------------------------------------

    @property
    def prometheus_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['prometheus']}"

    def rule_files(self) -> list[Path]:
        return sorted((self.root / RULES_DIR).glob("*.yml"))

    def _start_prometheus(self) -> None:
        from kb.verify.scenarios import ScenarioSet

        promtool = need_tool("promtool", hint="apt-get install prometheus; see `make deps-system`")
        need_tool("prometheus", hint="apt-get install prometheus; see `make deps-system`")
        data = self.workdir / "prometheus"
        data.mkdir(parents=True, exist_ok=True)
        self.scenarios = ScenarioSet.load(self.root)
        openmetrics = self.workdir / "scenarios.om"
        openmetrics.write_text(self.scenarios.openmetrics())
        run = subprocess.run(
            # One block per year instead of one per 2 hours: scenarios sit 40 days apart, and 80
            # small blocks take minutes to write and load where a handful takes seconds.
            [
                promtool,
                "tsdb",
                "create-blocks-from",
                "openmetrics",
                "--max-block-duration=8760h",
                str(openmetrics),
                str(data),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if run.returncode:
            raise StackError(f"promtool create-blocks-from openmetrics: {run.stderr.strip()}")
        self.ports["prometheus"] = free_port()
        self.recorded = recording_rules(self.rule_files())
        self._run_prometheus()

    def _run_prometheus(self) -> None:
        config = self.workdir / "prometheus.yml"
        config.write_text(
            json.dumps(
                {
                    "global": {"evaluation_interval": "1m", "scrape_interval": "1m"},
                    "rule_files": [str(p) for p in self.rule_files()],
                }
            )
        )
        proc, log = self._spawn(
            "prometheus",
            [
                need_tool("prometheus", hint="apt-get install prometheus"),
                f"--config.file={config}",
                f"--storage.tsdb.path={self.workdir / 'prometheus'}",
                "--storage.tsdb.retention.time=100y",
                f"--web.listen-address=127.0.0.1:{self.ports['prometheus']}",
                "--web.enable-lifecycle",
            ],
        )
        _wait_http(f"{self.prometheus_url}/-/ready", "prometheus", proc, log)

    def inline(self, expr: str) -> str:
        """`expr` with each recorded series replaced by its rule's expression (see module doc)."""
        return inline_recorded(expr, self.recorded)

    def query(self, expr: str, at: float) -> dict:
        """Run an instant PromQL query at Unix time `at`; returns the API's JSON (status, data)."""
        params = urllib.parse.urlencode({"query": self.inline(expr), "time": f"{at:.3f}"})
        _, body = http_get(f"{self.prometheus_url}/api/v1/query?{params}")
        return json.loads(body)

    def query_range(self, expr: str, start: float, end: float, step: int = 60) -> dict:
        """Run a range query; returns the API's JSON."""
        params = urllib.parse.urlencode(
            {
                "query": self.inline(expr),
                "start": f"{start:.3f}",
                "end": f"{end:.3f}",
                "step": str(step),
            }
        )
        _, body = http_get(f"{self.prometheus_url}/api/v1/query_range?{params}")
        return json.loads(body)

    # -- Alertmanager -----------------------------------------------------------------------------

    @property
    def alertmanager_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['alertmanager']}"

    def _start_alertmanager(self) -> None:
        binary = need_tool(
            "prometheus-alertmanager",
            "alertmanager",
            hint="apt-get install prometheus-alertmanager; see `make deps-system`",
        )
        self.ports["alertmanager"] = free_port()
        storage = self.workdir / "alertmanager"
        storage.mkdir(exist_ok=True)
        proc, log = self._spawn(
            "alertmanager",
            [
                binary,
                f"--config.file={self.root / ALERTMANAGER_CONFIG}",
                f"--storage.path={storage}",
                f"--web.listen-address=127.0.0.1:{self.ports['alertmanager']}",
                "--cluster.listen-address=",
            ],
        )
        _wait_http(f"{self.alertmanager_url}/-/ready", "alertmanager", proc, log)

    # -- Redis ------------------------------------------------------------------------------------

    def _start_redis(self) -> None:
        binary = need_tool(
            "redis-server", hint="apt-get install redis-server; see make deps-system"
        )
        need_tool("redis-cli", hint="apt-get install redis-tools; see `make deps-system`")
        self.ports["redis"] = free_port()
        conf = self.workdir / "redis.conf"
        conf.write_text(
            "\n".join(
                [
                    "bind 127.0.0.1",
                    f"port {self.ports['redis']}",
                    f"requirepass {self.redis_password}",
                    f"maxmemory {REDIS_MAXMEMORY}",
                    f"maxmemory-policy {REDIS_POLICY}",
                    'save ""',
                    "appendonly no",
                    f"dir {self.workdir}",
                    # ElastiCache refuses CONFIG; so does the local server, so a runbook using it fails.
                    'rename-command CONFIG ""',
                    "",
                ]
            )
        )
        proc, log = self._spawn("redis", [binary, str(conf)])
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise StackError(f"redis-server exited at start-up: {_tail(log)}")
            if self.redis(["PING"]).stdout.strip() == "PONG":
                self.redis(["SET", "session:demo", "1", "EX", "3600"])
                return
            time.sleep(0.1)
        raise StackError(f"redis-server not ready: {_tail(log)}")

    def redis(self, args: list[str]) -> subprocess.CompletedProcess:
        """Run `redis-cli` against the local server with the auth token; returns the result."""
        env = {**os.environ, "REDISCLI_AUTH": self.redis_password}
        return subprocess.run(
            [
                find_tool("redis-cli") or "redis-cli",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.ports["redis"]),
                *args,
            ],
            capture_output=True,
            text=True,
            check=False,
            env=env,
            timeout=30,
        )

    # -- PostgreSQL -------------------------------------------------------------------------------

    def _pg_prefix(self) -> list[str]:
        """PostgreSQL refuses to run as root; as root, run it as `nobody` through setpriv."""
        if os.geteuid() != 0:
            return []
        setpriv = need_tool("setpriv", hint="apt-get install util-linux")
        return [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"]

    def _start_postgres(self) -> None:
        data = self.workdir / "pg"
        sockets = self.workdir / "pgsock"
        for folder in (data, sockets):
            folder.mkdir()
        if os.geteuid() == 0:
            import pwd

            self.workdir.chmod(0o755)
            nobody = pwd.getpwnam("nobody")
            for folder in (data, sockets):
                os.chown(folder, nobody.pw_uid, nobody.pw_gid)
        data.chmod(0o700)
        run = subprocess.run(
            [
                *self._pg_prefix(),
                pg_bin("initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if run.returncode:
            raise StackError(f"initdb failed: {run.stderr.strip()[-300:]}")
        self.ports["postgres"] = free_port()
        proc, log = self._spawn(
            "postgres",
            [
                *self._pg_prefix(),
                pg_bin("postgres"),
                "-D",
                str(data),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.ports["postgres"]),
                "-k",
                str(sockets),
                "-c",
                "max_connections=100",
                "-c",
                "fsync=off",
            ],
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise StackError(f"postgres exited at start-up: {_tail(log)}")
            if self.psql("SELECT 1", user="postgres", database="postgres").returncode == 0:
                break
            time.sleep(0.2)
        else:
            raise StackError(f"postgres not ready: {_tail(log)}")
        seed = self.psql(
            (HERE / "postgres-seed.sql").read_text(), user="postgres", database="postgres"
        )
        if seed.returncode:
            raise StackError(f"postgres seed failed: {seed.stderr.strip()}")

    def psql(self, sql: str, *, user: str = "plasma_admin", database: str = "plasma"):
        """Run SQL through `psql` (ON_ERROR_STOP) on the local server; returns the result."""
        psql = find_tool("psql") or str(Path(pg_bin("postgres")).parent / "psql")
        return subprocess.run(
            [
                psql,
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.ports["postgres"]),
                "-U",
                user,
                "-d",
                database,
            ],
            input=sql,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )

    # -- Exa fake and AWS emulator ----------------------------------------------------------------

    def _start_exa(self) -> None:
        self.exa = FakeExa().start()

    @property
    def aws_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['aws']}"

    def _start_moto(self) -> None:
        binary = need_tool("moto_server", hint="make install (moto[server] is in the test group)")
        self.ports["aws"] = free_port()
        proc, log = self._spawn("moto", [binary, "-H", "127.0.0.1", "-p", str(self.ports["aws"])])
        _wait_http(f"{self.aws_url}/moto-api/", "moto_server", proc, log)

    def aws_env(self) -> dict[str, str]:
        """Environment pointing the AWS CLI at moto with throwaway credentials."""
        return {
            "AWS_ENDPOINT_URL": self.aws_url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_REGION": "us-east-1",
            "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
            "AWS_PAGER": "",
        }
