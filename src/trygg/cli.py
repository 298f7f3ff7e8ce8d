"""`trygg demo | serve | manage …`: the one entry point for people and machines."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any


def _setup(default_mode: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygg.settings")
    os.environ.setdefault("TRYGG_MODE", default_mode)
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        _fail(str(exc))


def _fail(message: str) -> None:
    print(f"trygg: {message}", file=sys.stderr)
    raise SystemExit(2)


def _check_database() -> None:
    from django.db import connection
    from django.db.utils import OperationalError

    try:
        connection.ensure_connection()
    except OperationalError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        _fail(f"cannot reach the database given by TRYGG_DATABASE_URL: {reason}")


def _gunicorn(bind: str, workers: int, threads: int, access_log: bool) -> None:
    from gunicorn.app.base import BaseApplication

    class Application(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options: dict[str, Any] = {
                "bind": bind,
                "workers": workers,
                "threads": threads,
                "accesslog": "-" if access_log else None,
                "errorlog": "-",
                "timeout": 60,
                "forwarded_allow_ips": os.environ.get("TRYGG_FORWARDED_ALLOW_IPS", "127.0.0.1"),
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from trygg.wsgi import application

            return application

    Application().run()


def demo(args: argparse.Namespace) -> None:
    _setup("demo")
    from django.conf import settings
    from django.core.management import call_command
    from django.utils.text import slugify

    from trygg.demo.geography import CITY
    from trygg.demo.loader import DEMO_OPEN311_KEY, DEMO_USERS, load_demo

    _check_database()
    print(f"Trygg: data in {settings.DATA_DIR}")
    call_command("migrate", interactive=False, verbosity=0)
    created = load_demo()
    print("The Älvsjö demo is " + ("loaded." if created else "already there."))
    print("\nDemo logins (username / password, role):")
    for user in DEMO_USERS:
        print(f"  {user.username:<8} {user.password:<22} {user.description}")
    print(
        f"\nOpen311 demo key: {DEMO_OPEN311_KEY}  "
        f"(jurisdiction_id {slugify(CITY)}, /open311/v2/services.json)"
    )
    if args.no_serve:
        return
    address = f"http://{args.host}:{args.port}/"
    print(f"\nTrygg is at {address}  (stop with Ctrl+C)\n", flush=True)
    _gunicorn(f"{args.host}:{args.port}", workers=1, threads=8, access_log=False)


def serve(args: argparse.Namespace) -> None:
    _setup("production")
    from django.conf import settings

    _check_database()
    if settings.PRODUCTION and not (settings.STATIC_ROOT / "staticfiles.json").exists():
        _fail(
            f"static files are not collected in TRYGG_STATIC_ROOT ({settings.STATIC_ROOT}); "
            "run `trygg manage collectstatic --noinput` first"
        )
    from django.core.exceptions import ImproperlyConfigured

    from trygg import config

    try:
        workers = args.workers or config.env_int("TRYGG_WORKERS", 0) or (os.cpu_count() or 1) * 2
    except ImproperlyConfigured as exc:
        _fail(str(exc))
    _gunicorn(args.bind, workers=workers, threads=args.threads, access_log=True)


def manage(argv: list[str]) -> None:
    _setup("development")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["trygg manage", *argv])


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["manage"]:
        manage(argv[1:])
        return
    parser = argparse.ArgumentParser(prog="trygg", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    demo_parser = commands.add_parser("demo", help="run the Älvsjö demo on embedded SQLite")
    demo_parser.add_argument("--host", default="127.0.0.1")
    demo_parser.add_argument("--port", type=int, default=8000)
    demo_parser.add_argument(
        "--no-serve", action="store_true", help="prepare the database and demo data, then stop"
    )
    serve_parser = commands.add_parser("serve", help="run Trygg under gunicorn for production")
    serve_parser.add_argument("--bind", default=os.environ.get("TRYGG_BIND", "0.0.0.0:8000"))
    serve_parser.add_argument("--workers", type=int, default=0)
    serve_parser.add_argument("--threads", type=int, default=4)
    commands.add_parser("manage", help="Django management commands, e.g. `trygg manage migrate`")
    args = parser.parse_args(argv)
    {"demo": demo, "serve": serve}[args.command](args)


if __name__ == "__main__":
    main()
