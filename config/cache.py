"""A Redis cache that steps aside when Redis is down, instead of failing the page.

Django's RedisCache raises on a refused or lost connection, so an outage
of the cache would become an outage of the blog. Nothing the blog keeps in
the cache is needed for a page to be right (rate-limit counters, cached
fragments), so this backend answers a failed call as a miss: `get` gives
the default, `add` and `set` store nothing, `incr` raises ValueError as for
a missing key. It logs a warning when it starts bypassing Redis and an info
line when Redis answers again, at most once per outage, not once per call.
"""

import functools
import logging
import threading

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("config.cache")

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class _Outage:
    """Whether this process currently bypasses the cache; shared by its threads."""

    def __init__(self):
        self.down = False
        self.lock = threading.Lock()

    def failed(self, location, error):
        with self.lock:
            if self.down:
                return
            self.down = True
        logger.warning("Cache unavailable at %s (%s): bypassing it until it answers again.", location, error)

    def answered(self, location):
        if not self.down:
            return
        with self.lock:
            if not self.down:
                return
            self.down = False
        logger.info("Cache at %s answers again: using it.", location)


def _tolerant(name, fallback):
    method = getattr(RedisCache, name)

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            result = method(self, *args, **kwargs)
        except UNAVAILABLE as error:
            self._outage.failed(self._location, error)
            return fallback(*args, **kwargs)
        self._outage.answered(self._location)
        return result

    return wrapper


def _missing_key(*args, **kwargs):
    raise ValueError("The cache is unavailable: the key is treated as missing.")


class TolerantRedisCache(RedisCache):
    """RedisCache whose failures read as misses and are logged once per outage."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._location = server
        self._outage = _Outage()

    get = _tolerant("get", lambda key, default=None, version=None: default)
    get_many = _tolerant("get_many", lambda keys, version=None: {})
    has_key = _tolerant("has_key", lambda *args, **kwargs: False)
    add = _tolerant("add", lambda *args, **kwargs: False)
    set = _tolerant("set", lambda *args, **kwargs: None)
    set_many = _tolerant("set_many", lambda data, *args, **kwargs: list(data))
    touch = _tolerant("touch", lambda *args, **kwargs: False)
    delete = _tolerant("delete", lambda *args, **kwargs: False)
    delete_many = _tolerant("delete_many", lambda *args, **kwargs: None)
    incr = _tolerant("incr", _missing_key)
    clear = _tolerant("clear", lambda *args, **kwargs: False)
