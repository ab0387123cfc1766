from django import template
from django.urls import reverse

from core import tenancy
from insight import overview

register = template.Library()


@register.inclusion_tag("insight/includes/_company_regions.html")
def company_regions(company):
    """On a company's page: its CSR in each region it works in, and their sum."""
    rows, total = overview.company_figures(company)
    for row in rows:
        with tenancy.serving(row.region.code):
            row.url = reverse("companies:detail", args=[company.slug])
    return {"rows": rows, "total": total}
