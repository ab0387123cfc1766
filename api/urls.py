from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

from . import errors, reports, views

app_name = "api"

urlpatterns = [
    path("", views.Root.as_view(), name="root"),
    path("regions/", views.RegionList.as_view(), name="regions"),
    path("priorities/", views.PriorityList.as_view(), name="priorities"),
    path("needs/", views.NeedList.as_view(), name="needs"),
    path("programs/", views.ProgramList.as_view(), name="programs"),
    path("programs/<int:pk>/", views.ProgramDetail.as_view(), name="program"),
    path("villages/", views.VillageList.as_view(), name="villages"),
    path("own/programs/", views.OwnProgramList.as_view(), name="own_programs"),
    path(
        "own/programs/<int:pk>/reports/",
        reports.ProgramReports.as_view(),
        name="own_program_reports",
    ),
    path("own/reports/", reports.OwnReportList.as_view(), name="own_reports"),
    path("own/compliance/", reports.OwnCompliance.as_view(), name="own_compliance"),
    path("own/reports/<int:pk>/", reports.OwnReportDetail.as_view(), name="own_report"),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    # GET only; a POST is told 405, not refused by the CSRF check (as the API's views are).
    path("docs/", csrf_exempt(views.DocsView.as_view()), name="docs"),
    # Anything else under the API: a JSON 404, not the portal's page.
    re_path(r"^.*$", errors.not_found),
]
