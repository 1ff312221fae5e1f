"""The ASGI application served by uvicorn: Django behind the request-body limits (cej/limits.py).

An event loop reads headers and bodies, so slow clients cost a coroutine, not a worker; the views run
once their request is whole.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cej.settings")
django_application = get_asgi_application()

from cej.limits import RequestBodyLimit  # noqa: E402  (needs the settings configured above)

application = RequestBodyLimit(django_application)
