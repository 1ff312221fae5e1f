from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from declarations import selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each person lands on their own page; young people use the mobile app."""
    role = selectors.role_of(request.user)
    if role == "counsellor":
        return redirect("web:queue")
    if role == "manager":
        return redirect("web:report")
    return render(request, "declarations/home.html", {"role": role})


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
