from django.urls import path

from declarations.web import counsellor, manager, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("conseiller/", counsellor.queue, name="queue"),
    path("conseiller/declarations/<int:declaration_id>/", counsellor.declaration_detail, name="declaration"),
    path(
        "conseiller/declarations/<int:declaration_id>/audio/",
        counsellor.declaration_audio,
        name="declaration-audio",
    ),
    path(
        "conseiller/declarations/<int:declaration_id>/demarches/<int:step_id>/decision/",
        counsellor.review_step,
        name="review-step",
    ),
    path(
        "conseiller/declarations/<int:declaration_id>/valider-tout/",
        counsellor.validate_remaining,
        name="validate-remaining",
    ),
    path(
        "conseiller/declarations/<int:declaration_id>/lue/",
        counsellor.acknowledge,
        name="acknowledge",
    ),
    path("conseiller/jeunes/<int:beneficiary_id>/", counsellor.beneficiary_detail, name="beneficiary"),
    path("responsable/", manager.report, name="report"),
    path("responsable/export.csv", manager.report_csv, name="report-csv"),
]
