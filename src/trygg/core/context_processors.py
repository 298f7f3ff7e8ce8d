from typing import Any

from django.conf import settings
from django.http import HttpRequest

from trygg.core.navigation import menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {
        "menu": menu_for(request.user),
        "tile_url": settings.TRYGG_TILE_URL,
        "tile_attribution": settings.TRYGG_TILE_ATTRIBUTION,
    }
