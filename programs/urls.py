from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("", views.ProgramListView.as_view(), name="list"),
    path("new/", views.ProgramFormView.as_view(), name="create"),
    path("<int:pk>/", views.ProgramDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.ProgramFormView.as_view(), name="update"),
    path("<int:pk>/history/", views.ProgramHistoryView.as_view(), name="history"),
    path(
        "<int:pk>/submit/",
        views.ProgramTransitionView.as_view(),
        {"to": "submitted"},
        name="submit",
    ),
    path("<int:pk>/transition/<str:to>/", views.ProgramTransitionView.as_view(), name="transition"),
    path("<int:pk>/change/", views.AmendmentFormView.as_view(), name="amend"),
    path("<int:pk>/pledges/<int:pledge_pk>/steer/", views.PledgeSteerView.as_view(), name="steer"),
    path(
        "<int:pk>/pledges/<int:pledge_pk>/units/",
        views.PledgeUnitsView.as_view(),
        name="pledge_units",
    ),
    path("needs/<int:pk>/units/", views.NeedUnitsView.as_view(), name="need_units"),
    path(
        "needs/<int:pk>/units.xlsx",
        views.NeedUnitsExportView.as_view(),
        name="need_units_export",
    ),
    path("units/<int:pk>/", views.UnitDetailView.as_view(), name="unit"),
    path("units/<int:pk>/erase/", views.UnitEraseView.as_view(), name="unit_erase"),
    path(
        "<int:pk>/changes/<int:amendment_pk>/",
        views.AmendmentDetailView.as_view(),
        name="amendment",
    ),
    path(
        "<int:pk>/changes/<int:amendment_pk>/<str:decision>/",
        views.AmendmentDecisionView.as_view(),
        name="amendment_decide",
    ),
    path("<int:pk>/attachments/", views.AttachmentUploadView.as_view(), name="attachment_upload"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/delete/",
        views.AttachmentDeleteView.as_view(),
        name="attachment_delete",
    ),
    path("strategy/", views.StrategyListView.as_view(), name="strategy"),
    path(
        "strategy/plans/new/", views.StrategicPlanFormView.as_view(), name="strategic_plan_create"
    ),
    path(
        "strategy/plans/<int:pk>/", views.StrategicPlanDetailView.as_view(), name="strategic_plan"
    ),
    path(
        "strategy/plans/<int:pk>/edit/",
        views.StrategicPlanFormView.as_view(),
        name="strategic_plan_update",
    ),
    path(
        "strategy/consultations/new/",
        views.ConsultationFormView.as_view(),
        name="consultation_create",
    ),
    path(
        "strategy/consultations/<int:pk>/",
        views.ConsultationDetailView.as_view(),
        name="consultation",
    ),
    path(
        "strategy/consultations/<int:pk>/edit/",
        views.ConsultationFormView.as_view(),
        name="consultation_update",
    ),
    path("strategy/files/<int:pk>/", views.strategy_file, name="strategy_file"),
    path("rounds/", views.RoundListView.as_view(), name="round_list"),
    path("rounds/new/", views.RoundFormView.as_view(), name="round_create"),
    path("rounds/<int:pk>/", views.RoundDetailView.as_view(), name="round_detail"),
    path("rounds/<int:pk>/edit/", views.RoundFormView.as_view(), name="round_update"),
    path("rounds/<int:pk>/close/", views.RoundCloseView.as_view(), name="round_close"),
    path("rounds/<int:pk>/remind/", views.RoundRemindView.as_view(), name="round_remind"),
]
