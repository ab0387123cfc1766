"""The reports list's download: one row per report with what it delivered and spent."""

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from core.exports import CHUNK, Column


def report_columns(link) -> list[Column]:
    return [
        Column("ID", lambda r: r.pk, "number"),
        Column(_("Program"), lambda r: r.program.title),
        Column(_("Company"), lambda r: r.program.company.name),
        Column(_("Period from"), lambda r: r.period_start, "date"),
        Column(_("Period to"), lambda r: r.period_end, "date"),
        Column(_("Status"), lambda r: r.get_status_display()),
        Column(_("Final report"), lambda r: _("Yes") if r.final else _("No")),
        Column(_("Delivered (units)"), lambda r: r.delivered_units or 0, "number"),
        Column(_("Spent (Rp)"), lambda r: r.spent or 0, "rupiah"),
        Column(_("Beneficiaries"), lambda r: r.beneficiaries, "number"),
        Column(_("Women"), lambda r: r.women, "number"),
        Column(_("Men"), lambda r: r.men, "number"),
        Column(_("Children"), lambda r: r.children, "number"),
        Column(_("Submitted"), lambda r: r.submitted_at, "date"),
        Column(_("Link"), lambda r: link(r.get_absolute_url())),
    ]


def report_rows(reports):
    return reports.annotate(
        delivered_units=Sum("lines__quantity"), spent=Sum("lines__amount")
    ).iterator(chunk_size=CHUNK)


def compliance_columns() -> list[Column]:
    """Reporting compliance per company (delivery.compliance.Compliance rows)."""
    return [
        Column(_("Company"), lambda r: r.company.name),
        Column(_("Sector"), lambda r: r.company.get_sector_display()),
        Column(_("Running programs"), lambda r: r.running, "number"),
        Column(_("Reports due"), lambda r: r.due, "number"),
        Column(_("Filed on time"), lambda r: r.on_time, "number"),
        Column(_("Filed late"), lambda r: r.late, "number"),
        Column(_("Missing"), lambda r: r.missing_count, "number"),
        Column(_("Verified"), lambda r: r.verified, "number"),
        Column(_("Compliance (%)"), lambda r: r.rate, "number"),
        Column(_("Last reminded"), lambda r: r.last_reminded, "date"),
    ]
