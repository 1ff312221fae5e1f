"""One error shape for the whole API: {"code": stable machine code, "message": French, "details"?}."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
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


def _body_error(exc: Exception) -> Response | None:
    """A body Django or the JSON parser refuses to read: too large, too many fields or files, nested
    too deep. These are the client's, so a 4xx in the one error shape, never a 500."""
    if isinstance(exc, RequestDataTooBig):
        return error_response("request_too_large", _("La requête est trop volumineuse."), 413)
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return error_response("too_many_fields", _("La requête contient trop de champs ou de fichiers."), 400)
    if isinstance(exc, RecursionError):
        return error_response("parse_error", _("La requête est mal formée."), 400)
    return None


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        set_rollback()
        return error_response(exc.code, exc.message, exc.status_code)
    body = _body_error(exc)
    if body is not None:
        set_rollback()
        return body
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
