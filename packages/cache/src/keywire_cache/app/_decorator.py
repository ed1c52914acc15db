"""``@cached``: memoize a sync or async function in a :class:`Cache` or :class:`AsyncCache`."""

from __future__ import annotations

import functools
import inspect
from typing import TYPE_CHECKING, Any, TypeVar

from ._cache import AsyncCache, Cache

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import timedelta

__all__ = ["cached", "default_key"]

_F = TypeVar("_F", bound="Callable[..., Any]")


def default_key(func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """The key ``@cached`` uses without ``key=``: the function's name and its arguments' reprs.

    ``module.qualname:(args):{sorted kwargs}``. Arguments whose repr is not stable (objects
    with the default ``<... at 0x...>`` repr) need a ``key=`` function.
    """
    return f"{func.__module__}.{func.__qualname__}:{args!r}:{sorted(kwargs.items())!r}"


def cached(
    cache: Cache | AsyncCache,
    *,
    key: Callable[..., str] | None = None,
    time_to_live: timedelta | None = None,
) -> Callable[[_F], _F]:
    """Memoize a function's results in ``cache``.

    The decorated function looks its key up first and, on a miss, calls the function and
    stores the result (``None`` included) for ``time_to_live``. Works on plain functions with
    a :class:`Cache` and on ``async def`` functions with either cache. Concurrent misses of
    one key each call the function (there is no lock against a stampede).

    Example::

        @cached(cache, key=lambda user_id: f"user:{user_id}", time_to_live=timedelta(minutes=1))
        async def load_user(user_id: int) -> dict[str, str]: ...

    Args:
        cache: where results are kept.
        key: makes the cache key from the function's arguments (called with the same
            arguments); default :func:`default_key`.
        time_to_live: how long results are kept; None: until evicted or cleared.

    Returns:
        A decorator that keeps the function's signature.

    Raises:
        TypeError: (when decorating) a plain function was given an :class:`AsyncCache`.
    """

    def decorate(func: _F) -> _F:
        def make_key(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
            if key is not None:
                return key(*args, **kwargs)
            return default_key(func, args, kwargs)

        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                cache_key = make_key(args, kwargs)
                try:
                    if isinstance(cache, AsyncCache):
                        return await cache.get(cache_key)
                    return cache.get(cache_key)
                except KeyError:
                    pass
                value = await func(*args, **kwargs)
                if isinstance(cache, AsyncCache):
                    await cache.set(cache_key, value, time_to_live=time_to_live)
                else:
                    cache.set(cache_key, value, time_to_live=time_to_live)
                return value

            return async_wrapper  # type: ignore[return-value]

        if isinstance(cache, AsyncCache):
            raise TypeError(
                f"@cached with an AsyncCache needs an async function, {func.__qualname__} is not"
            )
        sync_cache = cache

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            cache_key = make_key(args, kwargs)
            try:
                return sync_cache.get(cache_key)
            except KeyError:
                pass
            value = func(*args, **kwargs)
            sync_cache.set(cache_key, value, time_to_live=time_to_live)
            return value

        return wrapper  # type: ignore[return-value]

    return decorate
