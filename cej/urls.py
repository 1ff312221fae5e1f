from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from declarations.login_limits import limit_password_guesses
from declarations.web.login import ThrottledLoginView

urlpatterns = [
    # the admin's login page takes the same password-guessing limits as the staff page
    path("admin/login/", limit_password_guesses(admin.site.login), name="admin-login"),
    path("admin/", admin.site.urls),
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/v1/", include("declarations.api.urls")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    # the split view serves its start-up script as a file (the CSP forbids inline scripts); Swagger UI
    # styles itself inline, which only this page allows
    path(
        "api/v1/docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="api-docs",
    ),
    path("", include("declarations.web.urls")),
]

handler404 = "declarations.web.errors.not_found"
handler500 = "declarations.web.errors.server_error"
