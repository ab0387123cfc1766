from django import template

from core import permissions
from planning.models import DevelopmentPlan
from programs import matching
from programs.models import Consultation, Pledge, Program, StrategicPlan

register = template.Library()


@register.inclusion_tag("programs/includes/_need_programs.html", takes_context=True)
def need_programs(context, need):
    """On a need's page: the pledges toward it and, for planners, companies that could take it."""
    user = context["request"].user
    pledges = (
        Pledge.objects.filter(need=need, program__in=Program.objects.visible_to(user))
        .select_related("program__company")
        .order_by("-program__updated_at")
    )
    return {
        "need": need,
        "pledges": list(pledges[:50]),
        "companies": matching.suggested_companies(need) if user.is_planner else None,
    }


@register.inclusion_tag("programs/includes/_villages_needing.html", takes_context=True)
def villages_needing(context, company):
    """On a company's page: the villages CSR has left behind in the request's region, its own
    ring villages first (named in the region's words)."""
    plan = DevelopmentPlan.objects.current()
    return {
        "rows": matching.villages_needing(company, plan) if plan else [],
        "VILLAGE_WORD": context.get("VILLAGE_WORD", ""),
        "village_word": context.get("village_word", ""),
    }


@register.inclusion_tag("programs/includes/_company_strategy.html", takes_context=True)
def company_strategy(context, company):
    """On a company's page: its strategic plans and consultations the user may read."""
    user = context["request"].user
    return {
        "company": company,
        "plans": list(StrategicPlan.objects.visible_to(user).filter(company=company)[:20]),
        "consultations": list(Consultation.objects.visible_to(user).filter(company=company)[:20]),
        "own": permissions.is_officer_of(user, company.pk),
    }
