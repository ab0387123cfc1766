"""The company list's download: each company's profile and its ring villages."""

from django.utils.translation import gettext_lazy as _

from core.exports import CHUNK, Column


def company_columns() -> list[Column]:
    return [
        Column(_("Name"), lambda c: c.name),
        Column(_("Legal name"), lambda c: c.legal_name),
        Column(_("Sector"), lambda c: c.get_sector_display()),
        Column(_("Group"), lambda c: c.parent.name if c.parent else ""),
        Column("NIB", lambda c: c.nib),
        Column(_("Address"), lambda c: c.address),
        Column(_("Website"), lambda c: c.website),
        Column(_("Contact person"), lambda c: c.contact_person),
        Column(_("Contact email"), lambda c: c.email),
        Column(_("Contact phone"), lambda c: c.phone),
        Column(_("Ring 1 villages"), lambda c: c.ring1_count, "number"),
        Column(_("Operating villages"), lambda c: c.village_count, "number"),
    ]


def company_rows(companies):
    return companies.iterator(chunk_size=CHUNK)
