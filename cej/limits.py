"""Request bodies held to their size and pace before Django reads them (ASGI middleware).

Django's ASGI handler reads a whole body into a temporary file before any view can look at it, so a
size check in a view comes after a 400 MiB body is on disk. Here a body is refused on its
Content-Length before a byte of it is read, a body without one (chunked) is cut off as soon as it passes
the limit, and a body that stops arriving is given up after an idle delay — a phone on 3G keeps
sending, so a slow upload that progresses is never cut, however long it takes.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# A multipart upload carries its form fields and boundaries besides the audio itself.
MULTIPART_ALLOWANCE = 1024 * 1024
# Any other body is JSON or a form: Django's own limit for those, plus room for headers of the parts.
FORM_ALLOWANCE = 64 * 1024
UPLOAD_PATHS = frozenset({"/api/v1/declarations/"})


def body_limit(scope: Scope) -> tuple[int, str]:
    """The largest body this request may carry, and the error code used when it is over."""
    path = scope.get("path", "")
    root = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    if scope.get("method") == "POST" and path in UPLOAD_PATHS:
        return settings.SPEECH_MAX_UPLOAD_BYTES + MULTIPART_ALLOWANCE, "audio_too_large"
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE + FORM_ALLOWANCE, "request_too_large"


def _content_length(scope: Scope) -> int | None | str:
    """The declared length, None when absent, "invalid" when it cannot be one."""
    values = [v for k, v in scope.get("headers", []) if k.lower() == b"content-length"]
    if not values:
        return None
    if len(set(values)) > 1 or not values[0].strip().isdigit():
        return "invalid"
    return int(values[0])


async def _respond(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps({"code": code, "message": message}, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _too_large_message(code: str, limit: int) -> str:
    if code == "audio_too_large":
        return _("La note vocale dépasse la taille maximale de %(size)s.") % {
            "size": filesizeformat(settings.SPEECH_MAX_UPLOAD_BYTES)
        }
    return _("La requête dépasse la taille maximale de %(size)s.") % {"size": filesizeformat(limit)}


class RequestBodyLimit:
    def __init__(
        self,
        app: ASGIApp,
        limit_for: Callable[[Scope], tuple[int, str]] = body_limit,
        idle_timeout_s: float | None = None,
    ) -> None:
        self.app = app
        self.limit_for = limit_for
        self.idle_timeout_s = idle_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, code = self.limit_for(scope)
        declared = _content_length(scope)
        if declared == "invalid":
            await _respond(send, 400, "invalid_content_length", _("L'en-tête Content-Length est invalide."))
            return
        if isinstance(declared, int) and declared > limit:
            await _respond(send, 413, code, _too_large_message(code, limit))
            return
        idle = self.idle_timeout_s if self.idle_timeout_s is not None else settings.UPLOAD_IDLE_TIMEOUT_S
        state = {"received": 0, "complete": False, "refused": 0, "started": False}

        async def limited_receive() -> Message:
            if state["refused"]:
                return {"type": "http.disconnect"}
            if state["complete"]:
                return await receive()  # Django waiting for a disconnect while the view runs: no timeout
            try:
                message = await asyncio.wait_for(receive(), timeout=idle)
            except TimeoutError:
                state["refused"] = 408
                return {"type": "http.disconnect"}
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > limit:
                    state["refused"] = 413
                    return {"type": "http.disconnect"}
                if not message.get("more_body", False):
                    state["complete"] = True
            return message

        async def tracking_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        await self.app(scope, limited_receive, tracking_send)
        if state["refused"] and not state["started"]:
            if state["refused"] == 413:
                await _respond(send, 413, code, _too_large_message(code, limit))
            else:
                await _respond(
                    send,
                    408,
                    "upload_stalled",
                    _("L'envoi s'est interrompu. Vérifiez la connexion et renvoyez la note."),
                )
