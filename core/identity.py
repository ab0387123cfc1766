"""Identity numbers of the registers: a resident's NIK and a school's NPSN.

A NIK (Nomor Induk Kependudukan) has 16 digits: the province, regency and kecamatan where it was
issued (2+2+2), the date of birth (DDMMYY, the day plus 40 for women) and a serial number. It
is personal data (UU 27/2022): the portal keeps only a keyed hash of it, to recognise a
household already registered, and a masked form to show ("3672••••••••0012"). The key comes
from the environment (settings.NIK_HASH_KEY), never from the database: a stolen database or
backup does not give the NIKs back, not even by trying every possible number.

An NPSN (Nomor Pokok Sekolah Nasional, Dapodik) has 8 characters, digits but for a letter
first in some non-formal schools' numbers ("P9961234").

An organisation's identifier in IATI open data is a registration agency's prefix and the
organisation's number on that agency's list ("ID-COA-1234", "XI-IATI-ABC"): the agencies are
those of org-id.guide. An OECD DAC purpose code (the sector of an activity) has 5 digits.
"""

import hashlib
import hmac
import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

NIK_LENGTH = 16
NPSN = re.compile(r"^[A-Z0-9][0-9]{7}$")
_SEPARATORS = re.compile(r"[\s.\-']")
DEVELOPMENT_KEY = "development-only-nik-key"


def nik_digits(text) -> str:
    """A NIK as written in a register's spreadsheet ("3672 0112 3456 0012", '3672...), as its
    digits; a number Excel kept as a float (3.672e15) is read back whole."""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    return _SEPARATORS.sub("", str(text or "")).strip()


def nik_problem(nik: str, regency_code: str) -> str | None:
    """Why `nik` (digits) cannot be a NIK issued in the regency or city `regency_code`
    ("36.72"), or None. Residents move: the kecamatan is not checked, only the regency."""
    if not nik:
        return _("The NIK is empty.")
    if not nik.isdigit() or len(nik) != NIK_LENGTH:
        return _("A NIK has 16 digits; this one has %(count)s characters.") % {"count": len(nik)}
    day, month = int(nik[6:8]), int(nik[8:10])
    if not (1 <= day <= 31 or 41 <= day <= 71) or not 1 <= month <= 12:
        return _("Digits 7 to 12 of a NIK are a date of birth; these are none.")
    prefix = regency_code.replace(".", "")
    if not nik.startswith(prefix):
        return _(
            "This NIK was issued in region %(issued)s, not in %(region)s where the kelurahan lies."
        ) % {"issued": f"{nik[:2]}.{nik[2:4]}", "region": regency_code}
    return None


def _key() -> bytes:
    key = settings.NIK_HASH_KEY or (DEVELOPMENT_KEY if settings.DEBUG else "")
    if not key:
        raise ImproperlyConfigured(
            "NIK_HASH_KEY is not set: households cannot be registered without it."
        )
    return key.encode()


def nik_hash(nik: str) -> str:
    """The keyed hash (HMAC-SHA256) that stands for `nik` in the database."""
    return hmac.new(_key(), nik.encode(), hashlib.sha256).hexdigest()


def nik_masked(nik: str) -> str:
    """What is shown of a NIK: its regency and its last four digits."""
    return f"{nik[:4]}{'•' * (len(nik) - 8)}{nik[-4:]}"


def npsn_normal(text) -> str:
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    return _SEPARATORS.sub("", str(text or "")).upper()


def npsn_problem(npsn: str) -> str | None:
    if not npsn:
        return _("The NPSN is empty.")
    if not NPSN.match(npsn):
        return _("An NPSN has 8 characters, digits after the first; %(value)s is none.") % {
            "value": npsn[:20]
        }
    return None


# The org-id.guide registration agencies (the IATI OrganisationRegistrationAgency codelist) an
# Indonesian regency, city or province can take its identifier from: Indonesia's lists that are
# not deprecated (ID-KDN, Kemendagri, is) and the IATI Secretariat's own list, which gives
# an identifier to an organisation no other list holds. Checked on org-id.guide, December 2026.
IATI_AGENCIES = frozenset(
    {
        "ID-COA",  # Indonesia's chart of accounts: government agencies' budget codes
        "ID-CR",  # company register (AHU, Kemenkumham)
        "ID-DJP",  # taxpayers (Direktorat Jenderal Pajak)
        "ID-KHH",  # foundations and associations (Kemenkumham)
        "ID-KLN",  # foreign NGOs (Kementerian Luar Negeri)
        "ID-NPWP",  # taxpayer numbers
        "ID-PRO",  # provincial registers of NGOs
        "ID-SMR",  # the SMERU NGO database
        "XI-IATI",  # given by the IATI Secretariat
    }
)
IATI_REFERENCE = re.compile(r"^(?P<agency>[A-Z]{2}-[A-Z0-9]+)-(?P<number>[^\s/&|?]+)$")


def iati_reference_problem(reference: str) -> str | None:
    """What is wrong with an IATI organisation identifier, or None."""
    match = IATI_REFERENCE.match(reference or "")
    if not match:
        return _(
            "An IATI organisation identifier is an agency's prefix and a number, without spaces "
            'or / & | ? ("ID-COA-1234", "XI-IATI-ABC").'
        )
    if match["agency"] not in IATI_AGENCIES:
        return _(
            "%(agency)s is not a registration agency of org-id.guide for Indonesia; use one "
            "of: %(agencies)s."
        ) % {"agency": match["agency"], "agencies": ", ".join(sorted(IATI_AGENCIES))}
    return None


def validate_iati_reference(value: str) -> None:
    if problem := iati_reference_problem(value):
        raise ValidationError(problem, code="iati_reference")


validate_dac_sector = RegexValidator(
    r"^[1-9][0-9]{4}$",
    gettext_lazy(
        "An OECD DAC purpose code has 5 digits (14030: basic drinking water and sanitation)."
    ),
    code="dac_sector",
)


def dac_sector_field(help_text) -> models.CharField:
    """A model's OECD DAC purpose code, empty when it takes another's (a priority's, an
    output indicator's: opendata.iati)."""
    return models.CharField(
        gettext_lazy("OECD DAC sector"),
        max_length=5,
        blank=True,
        validators=[validate_dac_sector],
        help_text=help_text,
    )
