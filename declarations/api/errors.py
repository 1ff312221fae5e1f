"""One error shape for the whole API: {"code": stable machine code, "message": French, "details"?}."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from declarations.services import DomainError

logger = logging.getLogger(__name__)

_CODES: dict[type[exceptions.APIException], tuple[str, str]] = {
    exceptions.NotAuthenticated: ("not_authenticated", "Authentification requise."),
    exceptions.AuthenticationFailed: ("authentication_failed", "Identifiants invalides ou session expirée."),
    exceptions.PermissionDenied: ("permission_denied", "Vous n'avez pas le droit de faire cette action."),
    exceptions.NotFound: ("not_found", "Ressource introuvable."),
    exceptions.MethodNotAllowed: ("method_not_allowed", "Méthode non autorisée."),
    exceptions.NotAcceptable: ("not_acceptable", "Format de réponse non disponible."),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", "Type de contenu non pris en charge."),
    exceptions.Throttled: ("throttled", "Trop de requêtes. Réessayez dans quelques instants."),
    exceptions.ParseError: ("parse_error", "La requête est mal formée."),
    exceptions.ValidationError: ("invalid", "Certaines données envoyées ne sont pas valides."),
}


def error_response(code: str, message: str, http_status: int, details: Any = None) -> Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if details:
        body["details"] = details
    return Response(body, status=http_status)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        set_rollback()
        return error_response(exc.code, exc.message, exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=exc.messages)
    if isinstance(exc, exceptions.APIException):
        set_rollback()
        code, message = next(
            ((c, m) for klass, (c, m) in _CODES.items() if isinstance(exc, klass)),
            ("error", "La requête n'a pas pu être traitée."),
        )
        details = exc.detail if isinstance(exc, exceptions.ValidationError) else None
        if isinstance(exc, exceptions.AuthenticationFailed) and getattr(exc, "detail", None):
            code = "authentication_failed"
        response = error_response(code, _(message), exc.status_code, details)
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            response["Retry-After"] = str(int(exc.wait) + 1)
        if getattr(exc, "auth_header", None):
            response["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
        return response
    # Unexpected errors: logged with the traceback, answered without one.
    logger.exception("unhandled API error")
    set_rollback()
    return error_response(
        "server_error",
        _("Une erreur interne est survenue. Réessayez plus tard."),
        status.HTTP_500_INTERNAL_SERVER_ERROR,
    )
