import pytest
from django.core.exceptions import ImproperlyConfigured

from trygg import config


def test_a_bad_boolean_names_the_variable(monkeypatch):
    monkeypatch.setenv("TRYGG_DEBUG", "kanske")
    with pytest.raises(ImproperlyConfigured, match="TRYGG_DEBUG"):
        config.env_bool("TRYGG_DEBUG")


def test_a_bad_number_names_the_variable(monkeypatch):
    monkeypatch.setenv("TRYGG_EMAIL_PORT", "tjugofem")
    with pytest.raises(ImproperlyConfigured, match="TRYGG_EMAIL_PORT"):
        config.env_int("TRYGG_EMAIL_PORT", 25)


def test_redis_is_used_when_configured():
    cache = config.cache("redis://127.0.0.1:6379/0")
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert config.cache("")["BACKEND"].endswith("LocMemCache")


def test_a_database_url_of_another_kind_is_refused(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="TRYGG_DATABASE_URL"):
        config.database("mysql://root@localhost/trygg", tmp_path)


def test_without_a_url_the_database_is_sqlite_in_wal_mode(tmp_path):
    db = config.database("", tmp_path)
    assert db["NAME"] == str(tmp_path / "trygg.sqlite3")
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


def test_the_demo_keeps_its_secret_key_across_restarts(tmp_path, monkeypatch):
    monkeypatch.delenv("TRYGG_SECRET_KEY", raising=False)
    first = config.secret_key("demo", tmp_path)
    assert config.secret_key("demo", tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_demands_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("TRYGG_SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="TRYGG_SECRET_KEY"):
        config.secret_key("production", tmp_path)


def test_the_shared_redis_cache_really_works(settings):
    """Several app processes share limits through Redis; check it round-trips on the real one."""
    import os

    redis = pytest.importorskip("redis")
    url = os.environ.get("TRYGG_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Redis is not reachable at {url}")
        pytest.skip("no Redis here")
    from django.core.cache.backends.redis import RedisCache

    cache = RedisCache(url, {"KEY_PREFIX": "trygg-test"})
    cache.set("probe", {"a": 1}, 10)
    assert cache.get("probe") == {"a": 1}
    cache.delete("probe")


@pytest.mark.parametrize(
    "url, origin",
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tile.example.se/{z}/{x}/{y}.png", "https://*.tile.example.se"),
        ("https://karta.example.se/wmts/{z}/{x}/{y}.png", "https://karta.example.se"),
        ("", ""),
    ],
)
def test_the_tile_server_is_allowed_by_the_content_security_policy(url, origin):
    assert config.tile_origin(url) == origin
