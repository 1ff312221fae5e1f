from django.urls import path

from declarations.api import auth, me, notifications, privacy, reports, views

urlpatterns = [
    path("auth/token/", auth.LoginApi.as_view(), name="token_obtain_pair"),
    path("auth/token/refresh/", auth.RefreshApi.as_view(), name="token_refresh"),
    path("auth/logout/", auth.LogoutApi.as_view(), name="token_logout"),
    path("me/", me.MeApi.as_view(), name="me"),
    path("me/export/", privacy.MyDataExportApi.as_view(), name="me-export"),
    path("referentials/", me.ReferentialsApi.as_view(), name="referentials"),
    path("notifications/", notifications.NotificationListApi.as_view(), name="notifications"),
    path("declarations/", views.DeclarationListCreateApi.as_view(), name="declarations"),
    path("declarations/<int:declaration_id>/", views.DeclarationDetailApi.as_view(), name="declaration"),
    path(
        "declarations/<int:declaration_id>/confirm/",
        views.DeclarationConfirmApi.as_view(),
        name="declaration-confirm",
    ),
    path(
        "declarations/<int:declaration_id>/acknowledge/",
        views.DeclarationAcknowledgeApi.as_view(),
        name="declaration-acknowledge",
    ),
    path(
        "declarations/<int:declaration_id>/steps/",
        views.DeclarationStepCreateApi.as_view(),
        name="declaration-steps",
    ),
    path("steps/<int:step_id>/", views.StepDetailApi.as_view(), name="step"),
    path("steps/<int:step_id>/review/", views.StepReviewApi.as_view(), name="step-review"),
    path("steps/<int:step_id>/reply/", views.StepReplyApi.as_view(), name="step-reply"),
    path("reports/overview/", reports.ReportOverviewApi.as_view(), name="reports-overview"),
    path(
        "beneficiaries/<int:beneficiary_id>/weeks/",
        views.BeneficiaryWeeksApi.as_view(),
        name="beneficiary-weeks",
    ),
]
