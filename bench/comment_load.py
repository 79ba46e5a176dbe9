"""Comments under load and faults, on PostgreSQL, through gunicorn: figures, and a verdict.

    .venv/bin/python bench/comment_load.py                  # 50 clients post 5,000 comments while others read
    .venv/bin/python bench/comment_load.py --outage 10      # and PostgreSQL is cut for 10 s in the middle
    .venv/bin/python bench/comment_load.py --redis-outage   # with a private Redis as the cache, killed mid-run

Everything runs on this machine, on free ports chosen at run time:
- a throwaway database `blog_load_<pid>` on the PostgreSQL server that
  PG_URL names (default postgres://postgres@127.0.0.1:5432), created,
  migrated and dropped at the end;
- a TCP proxy of this script between gunicorn and PostgreSQL: the outage
  closes every open connection and refuses new ones, then listens again,
  so the shared PostgreSQL server itself is never stopped;
- gunicorn (4 workers) with DEBUG off, BEHIND_PROXY so that each simulated
  reader has its own address in X-Forwarded-For;
- with --redis-outage, a private redis-server on a free port, killed with
  SIGKILL halfway.

Each poster GETs the post page (CSRF cookie and signed form token), then
POSTs a comment; one in twenty is sent twice with the same form (a double
click). Five posters reuse one identity, so the rate limit refuses most of
theirs (429). Readers fetch pages and feeds, and sometimes try a wrong
password (the login throttle counts in the cache). At the end the database
is compared with the answers: every comment answered 302 must be stored
exactly once, nothing stored may lack its moderation event, and no answer
may be a 5xx other than the 503 of the outage. Exit status 1 otherwise.
"""

import argparse
import collections
import contextlib
import http.cookies
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
TOKEN = re.compile(r'name="token" value="([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
COMMENT_ID = re.compile(r"#comment-(\d+)$")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


class Proxy:
    """A TCP relay to PostgreSQL that can be cut: open connections closed, new ones refused."""

    def __init__(self, upstream_port):
        self.upstream = ("127.0.0.1", upstream_port)
        self.port = free_port()
        self.pairs = set()
        self.lock = threading.Lock()
        self.listener = None
        self.listen()

    def listen(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener):
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.pairs.add((client, server))
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()

    def cut(self):
        self.listener.close()
        with self.lock:
            pairs, self.pairs = self.pairs, set()
        for pair in pairs:
            for sock in pair:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.answers = collections.Counter()  # (kind, status)
        self.accepted = collections.Counter()  # comment id -> number of 302 answers naming it
        self.double_same = self.double_other = 0
        self.first_503 = self.last_503 = None
        self.first_ok_after_outage = None
        self.server_errors = []

    def record(self, kind, status, body=""):
        label = classify(status, body) if status in (400, 403, 429) else status
        with self.lock:
            self.answers[(kind, label)] += 1
            if status == 503:
                now = time.monotonic()
                self.first_503 = self.first_503 or now
                self.last_503 = now
            elif status >= 500:
                self.server_errors.append((kind, status, body[:300]))


def classify(status, body):
    if status == 429:
        return "rate limited"
    if status == 400 and "same text" in body:
        return "duplicate"
    if status == 400:
        return "form error"
    if status == 403:
        return "forbidden"
    return str(status)


class Client:
    """One browser: its own cookies, sent by hand (they are Secure, and the proxy in front speaks HTTPS)."""

    def __init__(self, base):
        self.base = base
        self.cookies = {}
        self.opener = urllib.request.build_opener(NoRedirect)

    def request(self, path, data=None, headers=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        headers = {"X-Forwarded-Proto": "https", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=60) as response:
                status, text, answer = response.status, response.read().decode(errors="replace"), response.headers
        except urllib.error.HTTPError as error:
            status, text, answer = error.code, error.read().decode(errors="replace"), error.headers
        for header in answer.get_all("Set-Cookie") or []:
            cookie = http.cookies.SimpleCookie(header)
            self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
        return status, text, answer


def poster(number, base, slugs, count, results, stop_at, outage):
    client = Client(base)
    heavy = number < 5  # Reuses one identity: the rate limit refuses most of its comments.
    for index in range(count):
        if time.monotonic() > stop_at:
            return
        identity = 0 if heavy else index % 25
        address = f"198.51.{number}.{identity + 1}"
        slug = slugs[(number + index) % len(slugs)]
        status, page, _headers = client.request(f"/posts/{slug}/", headers={"X-Forwarded-For": address})
        results.record("read post page", status, page)
        if status != 200:
            time.sleep(0.5)
            continue
        data = {
            "csrfmiddlewaretoken": CSRF.search(page).group(1),
            "token": TOKEN.search(page).group(1),
            "name": f"Lecteur {number}-{identity}",
            "email": f"lecteur{number}-{identity}@example.org",
            "website": "",
            "body": f"Commentaire {number}-{index} : {secrets.token_hex(6)}",
            "parent": "",
            "homepage": "",
        }
        headers = {"X-Forwarded-For": address, "Referer": f"{base.replace('http:', 'https:')}/posts/{slug}/"}
        sends = 2 if index % 20 == 7 else 1
        first_id = None
        for attempt in range(sends):
            status, body, answer = client.request(f"/comments/post/{slug}/", data, headers)
            kind = "post comment" if attempt == 0 else "post again (double submission)"
            results.record(kind, status, body)
            if status == 302:
                match = COMMENT_ID.search(answer.get("Location", ""))
                comment_id = int(match.group(1))
                with results.lock:
                    results.accepted[comment_id] += 1
                    if outage.done and results.first_ok_after_outage is None:
                        results.first_ok_after_outage = time.monotonic()
                    if attempt == 1:
                        if comment_id == first_id:
                            results.double_same += 1
                        else:
                            results.double_other += 1
                first_id = comment_id


def reader(base, slugs, results, stop):
    client = Client(base)
    paths = ["/", "/feed/", "/comments/feed/", *[f"/posts/{slug}/" for slug in slugs]]
    while not stop.is_set():
        if random.random() < 0.05:
            status, page, _headers = client.request("/accounts/login/")
            if status == 200:
                data = {
                    "csrfmiddlewaretoken": CSRF.search(page).group(1),
                    "username": "nobody@example.org",
                    "password": "wrong",
                }
                status, body, _headers = client.request(
                    "/accounts/login/", data, {"Referer": base.replace("http:", "https:") + "/accounts/login/"}
                )
                results.record("wrong password", status, body)
            continue
        status, body, _headers = client.request(random.choice(paths))
        results.record("read", status, body)


class Outage:
    def __init__(self):
        self.started = self.ended = None
        self.done = False


def manage(env, *args):
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--comments", type=int, default=5000)
    parser.add_argument("--readers", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--outage", type=float, default=0, help="seconds PostgreSQL is cut, halfway through")
    parser.add_argument("--redis-outage", action="store_true", help="use a private Redis and kill it halfway")
    parser.add_argument("--max-seconds", type=float, default=900, help="stop posting after this long")
    options = parser.parse_args()

    pg_url = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432")
    pg = urllib.parse.urlsplit(pg_url)
    database = f"blog_load_{os.getpid()}"
    psql = ["psql", "-h", pg.hostname, "-p", str(pg.port or 5432), "-U", pg.username or "postgres", "-qAt"]
    subprocess.run([*psql, "-d", "postgres", "-c", f'CREATE DATABASE "{database}"'], check=True)
    workdir = Path(tempfile.mkdtemp(prefix="blog-load-"))
    proxy = Proxy(pg.port or 5432)
    processes = []
    try:
        env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "BEHIND_PROXY": "true",
            "COMMENTS_MIN_SUBMIT_SECONDS": "0",
            "MEDIA_ROOT": str(workdir / "media"),
            "STATIC_ROOT": str(workdir / "static"),
            "LOG_LEVEL": "WARNING",
            "DATABASE_URL": f"postgres://{pg.username or 'postgres'}@127.0.0.1:{pg.port or 5432}/{database}",
        }
        manage(env, "migrate", "--no-input")
        manage(env, "collectstatic", "--no-input")
        manage(env, "load_demo")
        env["DATABASE_URL"] = f"postgres://{pg.username or 'postgres'}@127.0.0.1:{proxy.port}/{database}"
        redis = None
        if options.redis_outage:
            redis_port = free_port()
            redis = subprocess.Popen(
                ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--dir", str(workdir)],
                stdout=subprocess.DEVNULL,
            )
            processes.append(redis)
            wait_for_port(redis_port)
            env["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
        web_port = free_port()
        log_path = workdir / "gunicorn.log"
        log = log_path.open("w")
        web = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "-c", "config/gunicorn.conf.py", "config.wsgi",
             "--bind", f"127.0.0.1:{web_port}", "--workers", str(options.workers), "--timeout", "60"],  # fmt: skip
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        processes.append(web)
        wait_for_port(web_port)
        base = f"http://127.0.0.1:{web_port}"
        slugs = sorted(set(re.findall(r'href="/posts/([^/"]+)/"', Client(base).request("/")[1])))
        print(f"gunicorn on {base}, database {database} through the proxy on port {proxy.port}, posts: {len(slugs)}")

        results = Results()
        outage = Outage()
        stop = threading.Event()
        per_client = options.comments // options.clients
        started = time.monotonic()
        stop_at = started + options.max_seconds
        posters = [
            threading.Thread(target=poster, args=(n, base, slugs, per_client, results, stop_at, outage))
            for n in range(options.clients)
        ]
        readers = [threading.Thread(target=reader, args=(base, slugs, results, stop)) for _ in range(options.readers)]
        for thread in posters + readers:
            thread.start()

        def halfway():
            with results.lock:
                return sum(count for (kind, _status), count in results.answers.items() if kind == "post comment")

        if options.outage or options.redis_outage:
            while halfway() < options.comments // 2 and any(thread.is_alive() for thread in posters):
                time.sleep(0.2)
        if options.outage:
            outage.started = time.monotonic()
            proxy.cut()
            print(f"PostgreSQL cut at {outage.started - started:.1f} s")
            time.sleep(options.outage)
            proxy.listen()
            outage.ended = time.monotonic()
            outage.done = True
            print(f"PostgreSQL back at {outage.ended - started:.1f} s")
        if options.redis_outage:
            redis.send_signal(signal.SIGKILL)
            redis.wait()
            print(f"Redis killed at {time.monotonic() - started:.1f} s")
        for thread in posters:
            thread.join()
        stop.set()
        for thread in readers:
            thread.join()
        elapsed = time.monotonic() - started

        # What the database holds, through a direct connection (not the proxy).
        query = (
            "SELECT c.id, (SELECT count(*) FROM comments_moderationevent e WHERE e.comment_id = c.id) "
            "FROM comments_comment c WHERE c.body LIKE 'Commentaire %'"
        )
        rows = subprocess.run(
            [*psql, "-d", database, "-F", " ", "-c", query], check=True, capture_output=True, text=True
        ).stdout.split()
        stored = dict(zip(map(int, rows[0::2]), map(int, rows[1::2]), strict=True))
        accepted = set(results.accepted)
        lost = accepted - set(stored)
        unanswered = set(stored) - accepted
        without_event = [pk for pk, events in stored.items() if events != 1]
        sent = sum(count for (kind, _status), count in results.answers.items() if kind == "post comment")

        print(f"\n{options.clients} posters, {options.readers} readers, {elapsed:.0f} s, {options.workers} workers")
        print(f"comments sent: {sent} (+ {results.double_same + results.double_other} sent twice)")
        print(f"accepted (302): {len(accepted)}, stored: {len(stored)}, lost: {len(lost)}, ")
        print(f"stored but never confirmed (answer lost in the outage): {len(unanswered)}")
        print(f"stored without exactly one moderation event: {len(without_event)}")
        print(f"double submissions answered with the same comment: {results.double_same}, "
              f"with another: {results.double_other}")  # fmt: skip
        print("answers:")
        for (kind, status), count in sorted(results.answers.items(), key=lambda item: (item[0][0], str(item[0][1]))):
            print(f"  {kind:32} {status!s:14} {count}")
        if options.outage:
            print(f"outage: first 503 {results.first_503 - outage.started:+.2f} s after the cut, "
                  f"last 503 {results.last_503 - outage.ended:+.2f} s after PostgreSQL came back"
                  if results.first_503 else "outage: no 503 seen")  # fmt: skip
            if results.first_ok_after_outage:
                print(f"recovery: first comment accepted {results.first_ok_after_outage - outage.ended:.2f} s "
                      "after PostgreSQL came back, without restarting gunicorn")  # fmt: skip
        log.close()
        log_text = log_path.read_text()
        if options.redis_outage:
            print("cache log lines:", [line for line in log_text.splitlines() if "Cache" in line][:3])
        print(f"server errors other than 503: {len(results.server_errors)}")
        for error in results.server_errors[:5]:
            print("  ", error)
        failed = not accepted or lost or without_event or results.server_errors or results.double_other
        print("\nVERDICT:", "FAIL" if failed else "OK")
        return 1 if failed else 0
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
        proxy.cut()
        subprocess.run([*psql, "-d", "postgres", "-c", f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'])
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
