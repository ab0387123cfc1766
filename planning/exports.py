"""The needs list's download. Its first columns are the import template's (same headers, same
values), so that an exported list can be corrected and imported back; the ledger's figures
follow, which an import ignores."""

from django.utils.translation import gettext_lazy as _

from core.exports import CHUNK, Column

from .imports import COLUMNS

HEADERS = {name: header for name, header, _aliases in COLUMNS}


def need_columns() -> list[Column]:
    return [
        Column(HEADERS["priority"], lambda n: n.priority.code),
        Column(HEADERS["village"], lambda n: n.village.code),
        Column(HEADERS["title"], lambda n: n.title),
        Column(HEADERS["quantity"], lambda n: n.quantity, "number"),
        Column(HEADERS["unit_cost"], lambda n: n.estimated_unit_cost, "rupiah"),
        Column(HEADERS["source"], lambda n: n.get_source_display()),
        Column(HEADERS["external_ref"], lambda n: n.external_ref),
        Column(HEADERS["description"], lambda n: n.description),
        Column(_("Kelurahan"), lambda n: n.village.name),
        Column(_("Kecamatan"), lambda n: n.village.parent.name),
        Column(_("Unit"), lambda n: n.priority.get_unit_display()),
        Column(_("Pledged"), lambda n: n.pledged_quantity, "number"),
        Column(_("Delivered"), lambda n: n.delivered_quantity, "number"),
        Column(_("Gap"), lambda n: n.gap, "number"),
        Column(_("Unfunded (Rp)"), lambda n: n.gap * n.estimated_unit_cost, "rupiah"),
        Column(_("Status"), lambda n: n.get_status_display()),
    ]


def need_rows(needs):
    return needs.iterator(chunk_size=CHUNK)
