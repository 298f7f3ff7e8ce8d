"""The typed REST API under /api/ (Django Ninja); each app adds its router."""

from ninja import NinjaAPI

api = NinjaAPI(title="Trygg API", version="1", urls_namespace="api")
