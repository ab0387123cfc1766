from django.urls import path

from . import views

app_name = "insight"

urlpatterns = [
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path(
        "dashboard/rounds/<int:pk>/workbook/",
        views.RoundWorkbookView.as_view(),
        name="round_workbook",
    ),
    path(
        "dashboard/rounds/<int:pk>/workbook/<int:file_pk>/",
        views.RoundWorkbookFileView.as_view(),
        name="round_workbook_file",
    ),
    path("public/", views.PublicHomeView.as_view(), name="public"),
    path("overview/", views.OverviewView.as_view(), name="overview"),
    path("overview/<str:code>/", views.OverviewView.as_view(), name="overview_province"),
    path("public/map/", views.MapView.as_view(), name="map"),
    path("public/districts/<str:code>/", views.DistrictView.as_view(), name="district"),
    path("public/villages/<str:code>/", views.VillageView.as_view(), name="village"),
    path("public/outlines/<int:pk>/", views.VillageOutlineView.as_view(), name="village_outline"),
]
