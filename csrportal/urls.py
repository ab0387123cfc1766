from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts.forms import AdminLoginForm, LoginForm

from . import views

admin.site.site_header = _("CSR portal administration")
admin.site.site_title = _("CSR portal")
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(form_class=LoginForm), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("companies/", include("companies.urls")),
    path("regions/", include("regions.urls")),
    path("plan/", include("planning.urls")),
    path("programs/", include("programs.urls")),
    path("reports/", include("delivery.urls")),
    path("", include("insight.urls")),
    path("", include("opendata.urls")),
    path("api/v1/", include("api.urls")),
    path("api-tokens/", include("api.pages")),
]

handler400 = "csrportal.views.bad_request"
handler404 = "csrportal.views.page_not_found"
handler500 = "csrportal.views.server_error"
