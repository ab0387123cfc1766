from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from companies.models import Company
from regions.models import current_city


@login_required
def home(request):
    user = request.user
    context = {"city": current_city()}
    if user.is_officer:
        context["my_companies"] = Company.objects.filter(pk__in=user.company_ids).for_list()
    if user.sees_all_companies:
        context["company_count"] = Company.objects.count()
    return render(request, "home.html", context)


@never_cache
def healthz(request):
    """200 when the database answers, 503 when it does not (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
