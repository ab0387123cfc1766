from django.urls import path

from . import views

app_name = "opendata"

urlpatterns = [
    path("open-data/", views.DataView.as_view(), name="data"),
    path("open-data/iati-activities.xml", views.iati, {"fmt": "xml"}, name="iati_xml"),
    path("open-data/iati-activities.json", views.iati, {"fmt": "json"}, name="iati_json"),
    # Every served region's activities in one file (each with its region as reporting-org).
    path(
        "open-data/all/iati-activities.xml",
        views.iati,
        {"fmt": "xml", "everywhere": True},
        name="iati_all_xml",
    ),
    path(
        "open-data/all/iati-activities.json",
        views.iati,
        {"fmt": "json", "everywhere": True},
        name="iati_all_json",
    ),
]
