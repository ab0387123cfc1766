from django.urls import path

from . import views

app_name = "opendata"

urlpatterns = [
    path("open-data/iati-activities.xml", views.iati_xml, name="iati_xml"),
    path("open-data/iati-activities.json", views.iati_json, name="iati_json"),
]
