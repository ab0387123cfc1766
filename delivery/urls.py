from django.urls import path

from . import views

app_name = "delivery"

urlpatterns = [
    path("", views.ReportListView.as_view(), name="list"),
    path("compliance/", views.ComplianceView.as_view(), name="compliance"),
    path("compliance/remind/", views.ComplianceRemindView.as_view(), name="compliance_remind"),
    path("new/<int:program_pk>/", views.ReportCreateView.as_view(), name="create"),
    path("<int:pk>/", views.ReportDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.ReportUpdateView.as_view(), name="update"),
    path("<int:pk>/transition/<str:to>/", views.ReportTransitionView.as_view(), name="transition"),
    path("<int:pk>/evidence/", views.EvidenceUploadView.as_view(), name="evidence_upload"),
    path("<int:pk>/evidence/<int:evidence_pk>/", views.evidence_download, name="evidence"),
    path(
        "<int:pk>/evidence/<int:evidence_pk>/delete/",
        views.EvidenceDeleteView.as_view(),
        name="evidence_delete",
    ),
]
