from django.urls import path

from . import views

app_name = "planning"

urlpatterns = [
    path("", views.PriorityListView.as_view(), name="priority_list"),
    path("priorities/<int:pk>/", views.PriorityDetailView.as_view(), name="priority_detail"),
    path("needs/", views.NeedListView.as_view(), name="need_list"),
    path("needs/new/", views.NeedCreateView.as_view(), name="need_create"),
    path("needs/<int:pk>/", views.NeedDetailView.as_view(), name="need_detail"),
    path("needs/<int:pk>/edit/", views.NeedUpdateView.as_view(), name="need_update"),
    path("needs/<int:pk>/history/", views.NeedHistoryView.as_view(), name="need_history"),
    path("needs/<int:pk>/status/", views.NeedStatusView.as_view(), name="need_status"),
    path("needs/import/", views.NeedImportView.as_view(), name="import"),
    path(
        "needs/import/template.xlsx", views.NeedImportTemplateView.as_view(), name="import_template"
    ),
    path("units/import/", views.UnitImportView.as_view(), name="unit_import"),
    path("needs/import/<int:pk>/", views.NeedImportDetailView.as_view(), name="import_detail"),
]
