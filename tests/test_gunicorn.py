"""The production server as started by `make serve`: what its answers say about it."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_server_header_does_not_name_gunicorn_or_its_version(tmp_path):
    port = free_port()
    environment = {**os.environ, "DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    command = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"]
    server = subprocess.Popen(
        [*command, "--bind", f"127.0.0.1:{port}", "--workers", "1", "--log-level", "warning"],
        cwd=PROJECT,
        env=environment,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=5) as response:  # noqa: S310
                    headers = response.headers
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not answer within 30 s"
                time.sleep(0.2)
        assert headers["Server"] == "blog"
        assert "gunicorn" not in str(headers).lower()
    finally:
        server.terminate()
        server.wait(timeout=30)
