"""`trygg demo` and `trygg serve` as a person starts them: real processes, real HTTP."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

TRYGG = [sys.executable, "-m", "trygg.cli"]


def run(args, env_overrides, timeout=60):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRYGG_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(env_overrides)
    return subprocess.run(TRYGG + args, env=env, capture_output=True, text=True, timeout=timeout)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_without_a_secret_key_stops_with_one_line(tmp_path):
    result = run(["serve"], {"TRYGG_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "TRYGG_SECRET_KEY" in lines[0]


def test_serve_with_an_unreachable_database_stops_with_one_line(tmp_path):
    result = run(
        ["serve"],
        {
            "TRYGG_DATA_DIR": str(tmp_path),
            "TRYGG_SECRET_KEY": "x" * 50,
            "TRYGG_DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing",
        },
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "TRYGG_DATABASE_URL" in lines[0]


def test_a_mistyped_setting_is_named(tmp_path):
    result = run(
        ["serve"],
        {"TRYGG_DATA_DIR": str(tmp_path), "TRYGG_SECRET_KEY": "z" * 50, "TRYGG_DEBUG": "kanske"},
    )
    assert result.returncode == 2
    assert "TRYGG_DEBUG" in result.stderr


def test_manage_passes_through_to_django(tmp_path):
    result = run(["manage", "check"], {"TRYGG_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_demo_prepares_once_prints_logins_and_serves(tmp_path):
    env = {"TRYGG_DATA_DIR": str(tmp_path / "data")}
    first = run(["demo", "--no-serve"], env, timeout=180)
    assert first.returncode == 0, first.stderr
    assert "anna" in first.stdout and "demo-anna-2017" in first.stdout
    assert "Open311 demo key: demo-open311-alvsjo-2017" in first.stdout
    assert (tmp_path / "data" / "trygg.sqlite3").exists()
    second = run(["demo", "--no-serve"], env, timeout=180)
    assert second.returncode == 0, second.stderr
    assert "already" in second.stdout

    port = free_port()
    process = subprocess.Popen(
        [*TRYGG, "demo", "--host", "127.0.0.1", "--port", str(port)],
        env={**{k: v for k, v in os.environ.items() if not k.startswith("TRYGG_")}, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        body = ""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2) as r:
                    body = r.read().decode()
                    break
            except OSError:
                time.sleep(0.3)
        assert "Trygg" in body and 'lang="sv"' in body
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.parametrize("module", ["trygg.settings"])
def test_production_turns_on_the_transport_protections(tmp_path, module):
    code = (
        "import django, json; from django.conf import settings; django.setup();"
        "print(json.dumps([settings.SECURE_HSTS_SECONDS, settings.SESSION_COOKIE_SECURE,"
        " settings.CSRF_COOKIE_SECURE, settings.DEBUG, settings.ALLOWED_HOSTS]))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRYGG_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": module,
            "TRYGG_MODE": "production",
            "TRYGG_SECRET_KEY": "y" * 50,
            "TRYGG_ALLOWED_HOSTS": "trygg.example.se",
            "TRYGG_DATA_DIR": str(tmp_path),
        }
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    hsts, session_secure, csrf_secure, debug, hosts = __import__("json").loads(result.stdout)
    assert hsts >= 31536000 and session_secure and csrf_secure and not debug
    assert hosts == ["trygg.example.se"]
    assert not (Path(tmp_path) / "secret_key").exists()
