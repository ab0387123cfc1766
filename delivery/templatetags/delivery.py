from django import template

from core import permissions
from delivery.models import Report, ReportTransition
from delivery.services import delivered_outputs

register = template.Library()


@register.inclusion_tag("delivery/includes/_program_delivery.html", takes_context=True)
def program_delivery(context, program, transitions):
    """On a program's page: its outputs (target and achieved), its reports, and one timeline
    of the program's and its reports' changes (four queries)."""
    user = context["request"].user
    reports = list(
        Report.objects.visible_to(user).filter(program=program).order_by("-period_start")
    )
    achieved = delivered_outputs(program)
    outputs = list(program.outputs.select_related("indicator", "village"))
    for output in outputs:
        output.achieved = achieved.get(output.pk, 0)
    report_events = ReportTransition.objects.filter(report__in=reports).select_related(
        "by", "report"
    )
    events = sorted([*transitions, *report_events], key=lambda event: (event.at, event.pk))
    return {
        "request": context["request"],
        "program": program,
        "outputs": outputs,
        "reports": reports,
        "events": events,
        "may_report": permissions.can_report(user, program),
    }
