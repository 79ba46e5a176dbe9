"""Kill a worker in the middle of a fan-out, and cut its database: how many e-mails arrive, how many twice?

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/blog .venv/bin/python bench/fault_worker_kill.py \
        [--moderators 20] [--lease 6]

Needs PostgreSQL (a throwaway database next to the one DATABASE_URL
names). The e-mails go to an SMTP sink of this script's own, which takes
0.2 s per message, so that a kill lands in the middle of the sending. Two
cases, each with real `manage.py db_worker` processes:

1. SIGKILL: a comment enters the queue, the moderators' fan-out starts in
   worker A, which is killed by SIGKILL after a few e-mails, while the
   server holds a message it has not acknowledged; worker B starts then. Printed: e-mails expected, received, received
   twice, addresses never reached, and the seconds from the kill to the
   last e-mail (the stated bound is TASKS_LEASE plus the reaper's period).
2. A database outage: the worker reaches PostgreSQL through a proxy of
   this script's own (bench/outages.py), which refuses every connection for
   5 seconds while the worker idles, then lets them through again. Printed:
   whether the worker process is still alive, and whether an e-mail queued
   after the outage is sent.

Before this change (the fan-out sending in one task, the library's
db_worker) case 1 printed the killed task RUNNING for good and the
addresses after the killed one never reached, and case 2 printed the
worker gone (it exited with OperationalError).
"""

import argparse
import os
import signal
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import harness
from outages import Proxy

RECEIVED = Counter()
LAST_AT = [0.0]
IN_FLIGHT = threading.Event()  # A message's data has reached the sink, which has not answered yet.


class SmtpSink(socketserver.StreamRequestHandler):
    """Just enough SMTP to take a message: counts each recipient, after a pause that stands for the network."""

    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.reply("220 sink")
        recipients = []
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 sink")
            elif verb == "MAIL":
                recipients = []
                self.reply("250 ok")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip(" <>").lower())
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 go on")
                while self.rfile.readline().rstrip(b"\r\n") != b".":
                    pass
                IN_FLIGHT.set()
                time.sleep(0.2)
                RECEIVED.update(recipients)
                LAST_AT[0] = time.monotonic()
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


def worker(environment, name):
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.2", "--worker-id", name],
        cwd=harness.ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **environment},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--moderators", type=int, default=20)
    parser.add_argument("--lease", type=int, default=6, help="TASKS_LEASE_SECONDS for the run")
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Needs DATABASE_URL naming a PostgreSQL server (a throwaway database is made beside it).")

    sink = socketserver.ThreadingTCPServer(("127.0.0.1", harness.free_port()), SmtpSink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    mail_environment = {
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.server_address[1]),
        "EMAIL_USE_TLS": "false",
        "TASKS_LEASE_SECONDS": str(options.lease),
    }
    workdir = Path(tempfile.mkdtemp())
    drop = harness.configure(workdir, benchmark="fault_worker_kill", **mail_environment)
    environment = {key: os.environ[key] for key in ("DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG")}
    environment |= mail_environment

    from django.contrib.auth.models import Permission

    from accounts.models import User
    from comments import services
    from tests.blog.factories import make_post

    permission = Permission.objects.get(codename="moderate_comment")
    for number in range(options.moderators):
        User.objects.create_user(
            email=f"mod{number:02}@example.org", display_name=f"Mod {number}", is_staff=True
        ).user_permissions.add(permission)
    post = make_post(title="Kill the worker")
    expected = {f"mod{number:02}@example.org" for number in range(options.moderators)}

    print(harness.cpu_probe())
    print(f"-- 1. SIGKILL during a fan-out to {options.moderators} moderators (lease {options.lease} s)")
    a = worker(environment, "worker-a")
    b = None
    try:
        services.comment_create(post=post, name="Camille", email="camille@example.org", body="Where is my order?")
        wait_for(lambda: sum(RECEIVED.values()) >= 3, 60)
        IN_FLIGHT.clear()
        IN_FLIGHT.wait(10)  # Killed while the server holds a message it has not acknowledged.
        a.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        a.wait()
        at_kill = sum(RECEIVED.values())
        b = worker(environment, "worker-b")  # The supervisor's restart, or another host's worker.
        from django_tasks_db.models import DBTaskResult

        from mail.models import Delivery

        def settled():
            """Every address reached, every ledger row sent, no task left waiting or running."""
            return (
                expected <= set(RECEIVED)
                and not Delivery.objects.exclude(state=Delivery.State.SENT).exists()
                and not DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists()
            )

        done = wait_for(settled, options.lease * 4 + 90)
        time.sleep(0.5)
        twice = sorted(address for address, count in RECEIVED.items() if count > 1)
        print(f"expected {len(expected)}, received at the kill {at_kill}, in the end {len(set(RECEIVED) & expected)}")
        print(f"received twice: {len(twice)} {twice}; never reached: {len(expected - set(RECEIVED))}")
        reclaimed = Delivery.objects.filter(attempts__gt=1).count()
        reaped = sum(len(ids) > 1 for ids in DBTaskResult.objects.values_list("worker_ids", flat=True))
        print(f"ledger rows claimed again after the lease: {reclaimed}; tasks run again by another worker: {reaped}")
        if done:
            print(f"seconds from the kill to the last e-mail: {LAST_AT[0] - killed_at:.1f}")
        else:
            print("some e-mails never arrived within the wait")
    finally:
        for process in (a, b):
            if process is not None:
                process.kill()
                process.wait()

    print("-- 2. The database refuses every connection for 5 s while a worker waits")
    RECEIVED.clear()
    parts = urlsplit(environment["DATABASE_URL"])
    with Proxy(parts.hostname or "127.0.0.1", parts.port or 5432) as proxy:
        behind = urlunsplit(parts._replace(netloc=f"{parts.username or 'postgres'}@127.0.0.1:{proxy.port}"))
        c = worker({**environment, "DATABASE_URL": behind}, "worker-c")
        try:
            time.sleep(2)
            proxy.set("refuse")
            time.sleep(5)
            proxy.set("pass")
            alive = c.poll() is None
            services.comment_create(post=post, name="Ines", email="ines@example.org", body="Another question.")
            sent = wait_for(lambda: expected <= set(RECEIVED), 60)
            print(f"worker alive after the outage: {alive}; e-mails queued after it sent: {sent}")
        finally:
            c.send_signal(signal.SIGTERM)
            try:
                _out, errors = c.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                c.kill()
                _out, errors = c.communicate()
            said = [line for line in errors.splitlines() if "Database" in line]
            print(f"worker log lines about the database: {len(said)}")
            for line in said:
                print("   ", line[:140])
    sink.shutdown()
    from django.db import connections

    connections.close_all()
    drop()


if __name__ == "__main__":
    main()
