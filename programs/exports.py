"""The program list's downloads: the programs themselves and the pledges of those programs."""

from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from core.exports import CHUNK, Column

from .models import Pledge


def program_columns(link) -> list[Column]:
    """`link(path)` makes a page's address absolute."""
    return [
        Column("ID", lambda p: p.pk, "number"),
        Column(_("Title"), lambda p: p.title),
        Column(_("Company"), lambda p: p.company.name),
        Column(_("Status"), lambda p: p.get_status_display()),
        Column(_("Pillar"), lambda p: p.get_pillar_display()),
        Column(_("Kelurahan"), lambda p: ", ".join(v.name for v in p.villages.all())),
        Column(_("Start date"), lambda p: p.start_date, "date"),
        Column(_("End date"), lambda p: p.end_date, "date"),
        Column(_("Budget (Rp)"), lambda p: p.budget, "rupiah"),
        Column(_("Pledged (Rp)"), lambda p: p.pledged_amount or 0, "rupiah"),
        # A program with no pledge reports CSR outside the plan's priorities.
        Column(_("In the plan"), lambda p: _("yes") if p.pledge_count else _("no")),
        Column(_("Beneficiaries"), lambda p: p.beneficiaries, "number"),
        Column(_("Submitted"), lambda p: p.submitted_at, "date"),
        Column(_("Updated"), lambda p: p.updated_at, "date"),
        Column(_("Link"), lambda p: link(p.get_absolute_url())),
    ]


def program_rows(programs):
    return (
        programs.defer(None)
        .select_related("company")
        .prefetch_related("villages")
        .iterator(chunk_size=CHUNK)
    )


def pledge_columns() -> list[Column]:
    return [
        Column(_("Program ID"), lambda p: p.program_id, "number"),
        Column(_("Program"), lambda p: p.program.title),
        Column(_("Company"), lambda p: p.program.company.name),
        Column(_("Program status"), lambda p: p.program.get_status_display()),
        Column(_("Priority"), lambda p: p.priority.code),
        Column(_("Need"), lambda p: p.need.title if p.need else ""),
        Column(_("Kelurahan"), lambda p: p.need.village.name if p.need else ""),
        Column(_("Unit"), lambda p: p.priority.get_unit_display()),
        Column(_("Quantity"), lambda p: p.quantity, "number"),
        Column(_("Amount (Rp)"), lambda p: p.amount, "rupiah"),
        Column(_("Delivered"), lambda p: p.delivered_quantity, "number"),
        Column(_("Spent (Rp)"), lambda p: p.spent_amount, "rupiah"),
    ]


def pledge_rows(programs):
    """The pledges of `programs` (a filtered list), program by program."""
    return (
        Pledge.objects.filter(program__in=programs.order_by().values("pk"))
        .select_related("program__company", "priority", "need__village")
        .order_by(F("program__submitted_at").desc(nulls_last=True), "program", "pk")
        .iterator(chunk_size=CHUNK)
    )


def invitation_columns() -> list[Column]:
    """A round's invited companies and where each stands (Invitation.with_progress rows)."""
    return [
        Column(_("Company"), lambda i: i.company.name),
        Column(_("Sector"), lambda i: i.company.get_sector_display()),
        Column(_("Stage"), lambda i: i.stage_label),
        Column(_("Drafts"), lambda i: i.drafts, "number"),
        Column(_("Under review"), lambda i: i.in_review, "number"),
        Column(_("Approved"), lambda i: i.approved, "number"),
        Column(_("Rejected or cancelled"), lambda i: i.turned_down, "number"),
        Column(_("Pledged (Rp)"), lambda i: i.pledged or 0, "rupiah"),
        Column(_("First submission"), lambda i: i.first_submitted, "date"),
        Column(_("After the deadline"), lambda i: _("yes") if i.is_late else ""),
        Column(_("Reminders sent"), lambda i: i.reminders, "number"),
        Column(_("Last reminded"), lambda i: i.reminded_at, "date"),
    ]


def household_columns(holdings: dict) -> list[Column]:
    """A need's units with their personal data (planners only: programs.views.units)."""
    states = {
        "reserved": _("reserved"),
        "held": _("under review"),
        "taken": _("taken"),
        "delivered": _("delivered"),
    }

    def state(unit):
        holding = holdings.get(unit.pk)
        return f"{states[holding.state]} · {holding.company}" if holding else _("open")

    return [
        Column(_("Reference"), lambda u: u.reference),
        Column(_("Kind"), lambda u: u.get_kind_display()),
        Column(_("Name"), lambda u: u.name),
        Column("NIK", lambda u: u.nik_masked),
        Column("NPSN", lambda u: u.npsn),
        Column(_("Address"), lambda u: u.address),
        Column("RT", lambda u: u.rt),
        Column("RW", lambda u: u.rw),
        Column(_("Latitude"), lambda u: u.latitude, "number"),
        Column(_("Longitude"), lambda u: u.longitude, "number"),
        Column(_("Decile"), lambda u: u.decile, "number"),
        Column(_("Condition"), lambda u: u.condition_label),
        Column(_("State"), state),
        Column(_("Erased on request"), lambda u: u.erased_at, "date"),
    ]


def household_notice(workbook, *, need, by) -> None:
    """The workbook's first sheet: what the file holds and who may keep it (UU 27/2022)."""
    sheet = workbook.add_worksheet(str(_("Read first"))[:31])
    bold = workbook.add_format({"bold": True, "font_color": "#9C0006"})
    sheet.set_column(0, 0, 110)
    lines = [
        (_("PERSONAL DATA (UU 27/2022): for the region's planners only."), bold),
        (
            _(
                "Names, NIK (masked), addresses and coordinates of households, for the work on "
                "this need only. Do not pass this file on, publish it or keep it longer than "
                "the work needs; delete it afterwards. The download is recorded."
            ),
            None,
        ),
        (_("Need: %(need)s") % {"need": need.title}, None),
        (
            _("Downloaded by %(user)s on %(when)s")
            % {"user": by, "when": formats.date_format(timezone.localtime(), "DATETIME_FORMAT")},
            None,
        ),
    ]
    for row, (text, style) in enumerate(lines):
        sheet.write_string(row, 0, str(text), style)
