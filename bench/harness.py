"""What the server benchmarks share: settings, a throwaway database, gunicorn on a free port.

The benchmarks run real gunicorn processes (the same command as `make
serve`) against a database of their own:

- SQLite: a file in a temporary folder, deleted at the end;
- PostgreSQL, when DATABASE_URL names one: a database named after it with
  a suffix (`<name>_bench_<benchmark>`), created, migrated and dropped at
  the end. The database DATABASE_URL names is never written to.

Servers listen on 127.0.0.1, on a port free when they start, so they do not
clash with other servers on the machine. Settings come from the
environment, with DEBUG off and a throwaway SECRET_KEY shared by this
process and its servers; bench/settings.py adds the trivial view.
"""

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def configure(workdir, *, benchmark, **environment):
    """Set the environment for this process and its servers, set Django up, and create the database.

    Return a function that drops the database (call it once the servers are stopped).
    """
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SECURE_SSL_REDIRECT": "false",
            "MEDIA_ROOT": str(workdir / "media"),
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
            **environment,
        }
    )
    server_url = os.environ.get("DATABASE_URL")
    if server_url:
        parts = urlsplit(server_url)
        name = f"{parts.path.lstrip('/')}_bench_{benchmark}"
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"

    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection

    if not server_url:
        call_command("migrate", verbosity=0, interactive=False)
        return lambda: None
    settings_dict = connection.settings_dict
    settings_dict["TEST"] = {**settings_dict.get("TEST", {}), "NAME": settings_dict["NAME"]}
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return lambda: connection.creation.destroy_test_db(settings_dict["NAME"], verbosity=0)


def cpu_probe():
    """Seconds this machine takes for sum(range(10**7)): about 0.15 on an idle modern core.

    Printed with the figures: when other work loads the machine, every
    figure slows down together, and this says by how much.
    """
    started = time.perf_counter()
    sum(range(10**7))
    return f"CPU probe: sum(range(10**7)) took {time.perf_counter() - started:.2f} s (~0.15 s on an idle core)"


def vendor():
    from django.db import connection

    return connection.vendor


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(port, path, *, method="GET", body=None, headers=None, timeout=60):
    """One HTTP request on a new connection: (status, headers as a list, body bytes)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


class Server:
    """gunicorn serving the project with bench/settings.py, as `make serve` would."""

    def __init__(self, *, workers, **environment):
        self.workers = workers
        self.environment = {**os.environ, **environment}
        self.port = None
        self.process = None

    def __enter__(self):
        self.port = free_port()
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "config/gunicorn.conf.py",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--log-level",
            "warning",
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.environment)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if request(self.port, "/bench/trivial/", timeout=5)[0] == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not answer within 60 seconds")

    def __exit__(self, *exc):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def worker_pids(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        return [int(pid) for pid in children.split()]


def memory_of(pid):
    """(resident, peak resident) memory of a process, in MiB, from /proc (Linux)."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]
