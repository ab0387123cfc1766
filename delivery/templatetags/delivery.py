from django import template

from core import permissions
from delivery.models import Report, ReportTransition
from delivery.services import delivered_outputs

register = template.Library()


@register.inclusion_tag("delivery/includes/_program_delivery.html", takes_context=True)
def program_delivery(context, program, transitions):
    """On a program's page: its outputs (target and achieved), its reports, and one timeline
    of the program's and its reports' changes (at most four queries: none for what a program
    without reports, or without a verified one, cannot have)."""
    user = context["request"].user
    reports = list(
        Report.objects.visible_to(user).filter(program=program).order_by("-period_start")
    )
    verified = any(report.status == Report.Status.VERIFIED for report in reports)
    achieved = delivered_outputs(program) if verified else {}
    outputs = list(program.outputs.select_related("indicator", "village"))
    for output in outputs:
        output.achieved = achieved.get(output.pk, 0)
    report_events = (
        ReportTransition.objects.filter(report__in=reports).select_related("by", "report")
        if reports
        else []
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
