from typing import Any

from django.conf import settings
from django.http import HttpRequest

from trygg.core.navigation import grouped, menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    menu = menu_for(request.user)
    return {
        "menu": menu,
        "menu_entries": grouped(menu),
        "tile_url": settings.TRYGG_TILE_URL,
        "tile_attribution": settings.TRYGG_TILE_ATTRIBUTION,
    }
