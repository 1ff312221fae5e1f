"""Error pages. Under /api/ they answer the API's one JSON error shape, never Django's HTML."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"code": "not_found", "message": "Ressource introuvable."}, status=404)
    return render(request, "declarations/error.html", {"title": "Page introuvable"}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            {"code": "server_error", "message": "Une erreur interne est survenue. Réessayez plus tard."},
            status=500,
        )
    return render(request, "declarations/error.html", {"title": "Erreur interne"}, status=500)
