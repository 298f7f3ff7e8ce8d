"""Typed readers for settings from the environment.

Each reader fails loudly with the name of the variable, so a mistyped
deployment stops at start instead of running with a silent default.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

MODES = ("development", "demo", "production")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


_RATE = re.compile(r"\d+/\d*[smhd]")


def env_rate(name: str, default: str) -> str:
    """A rate such as "20/h" or "600/5m" (django-ratelimit's notation)."""
    raw = os.environ.get(name, "").strip() or default
    if not _RATE.fullmatch(raw):
        raise ImproperlyConfigured(
            f"{name} must be a rate such as 20/h or 100/5m (count/period), not {raw!r}"
        )
    return raw


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    """One of a fixed set of words; anything else stops the start with the allowed ones."""
    raw = os.environ.get(name, "").strip().lower() or default
    if raw not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {raw!r}")
    return raw


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def mode() -> str:
    value = os.environ.get("TRYGG_MODE", "development").strip().lower()
    if value not in MODES:
        raise ImproperlyConfigured(f"TRYGG_MODE must be one of {', '.join(MODES)}, not {value!r}")
    return value


def data_dir() -> Path:
    return Path(os.environ.get("TRYGG_DATA_DIR") or Path.cwd() / "trygg-data").resolve()


def secret_key(current_mode: str, folder: Path) -> str:
    """Production demands the key from the environment; other modes keep one in the data folder
    so that sessions survive a restart of the demo."""
    key = os.environ.get("TRYGG_SECRET_KEY", "").strip()
    if key:
        return key
    if current_mode == "production":
        raise ImproperlyConfigured("TRYGG_SECRET_KEY must be set in production")
    path = folder / "secret_key"
    if path.exists():
        return path.read_text().strip()
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


def database(url: str, folder: Path) -> dict[str, Any]:
    """PostgreSQL from a URL, else SQLite in WAL mode in the data folder."""
    if not url:
        folder.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(folder / "trygg.sqlite3"),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    if not url.startswith(("postgres://", "postgresql://", "sqlite://")):
        raise ImproperlyConfigured(
            "TRYGG_DATABASE_URL must start with postgres:// (or sqlite://), "
            f"not {url.split(':', 1)[0]!r}"
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"TRYGG_DATABASE_URL cannot be read: {exc}") from None
    return dict(config)


def cache(redis_url: str) -> dict[str, Any]:
    """Shared Redis when several app processes must agree on limits; local memory otherwise."""
    if redis_url:
        if not redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise ImproperlyConfigured("TRYGG_REDIS_URL must start with redis:// or rediss://")
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "trygg",
        }
    return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "trygg"}


def tile_origin(url: str) -> str:
    """The CSP source for a Leaflet tile URL; its `{s}` subdomain becomes a wildcard."""
    if not url:
        return ""
    parts = urlsplit(url.replace("{s}", "__subdomain__"))
    return f"{parts.scheme}://{parts.netloc.replace('__subdomain__', '*')}"
