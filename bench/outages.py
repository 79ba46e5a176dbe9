"""The faults the fault scripts inject, on services of their own: a TCP proxy and a private Redis.

The machine's PostgreSQL and Redis are shared: a fault script never stops
them. It puts a `Proxy` of its own between the blog and PostgreSQL, and
starts a `PrivateRedis` on a free port, then breaks those:

- `Proxy.set("refuse")`: new connections are closed at once (a database
  that is down); open ones are cut.
- `Proxy.set("silent")`: connections are accepted and nothing crosses, in
  either direction (a network partition: no refusal, no answer).
- `PrivateRedis.stop()` / `.resume()`: SIGSTOP and SIGCONT (Redis hangs
  without closing its sockets); `.kill()` and `.start()`: it is gone, then
  back empty on the same port.
"""

import contextlib
import select
import signal
import socket
import subprocess
import threading
import time

from harness import free_port


class Proxy:
    """A TCP proxy on 127.0.0.1 in front of `target`, in one of the modes "pass", "refuse" or "silent"."""

    def __init__(self, target_host, target_port):
        self.target = (target_host, target_port)
        self.port = free_port()
        self.mode = "pass"
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._connections = []
        self._lock = threading.Lock()
        self._closed = False

    def __enter__(self):
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._closed = True
        self._listener.close()
        self._cut()

    def set(self, mode):
        """Change how the proxy behaves from now on; "refuse" also cuts the open connections."""
        assert mode in ("pass", "refuse", "silent")
        self.mode = mode
        if mode == "refuse":
            self._cut()

    def _cut(self):
        with self._lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()

    def _accept(self):
        while not self._closed:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return
            if self.mode == "refuse":
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._connections += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    def _pipe(self, client, upstream):
        sockets = [client, upstream]
        while not self._closed:
            try:
                readable, _w, _x = select.select(sockets, [], [], 0.2)
            except (OSError, ValueError):
                return
            if self.mode == "silent":
                continue  # Hold everything: the peer waits, as behind a partition.
            for source in readable:
                try:
                    data = source.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    for each in sockets:
                        each.close()
                    return
                (upstream if source is client else client).sendall(data)


class PrivateRedis:
    """redis-server on a free port, keeping nothing on disk, that the script may hang or kill."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        if self.process is not None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait()

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        self.process.send_signal(signal.SIGCONT)

    def kill(self):
        self.process.send_signal(signal.SIGCONT)
        self.process.kill()
        self.process.wait()
        self.process = None
