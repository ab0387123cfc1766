import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from core.money import rupiah, rupiah_short

NBSP = "\xa0"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1250000000, "Rp 1.250.000.000"),
        (Decimal("750000.4"), "Rp 750.000"),
        (0, "Rp 0"),
        (-5000, "-Rp 5.000"),
        (None, "–"),
        ("not a number", "–"),
    ],
)
def test_rupiah(value, expected):
    assert rupiah(value).replace(NBSP, " ") == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1250000000, "Rp 1,25 M"),
        (1500000000, "Rp 1,5 M"),
        (2000000000000, "Rp 2 T"),
        (750000000, "Rp 750 jt"),
        (12500, "Rp 12,5 rb"),
        (900, "Rp 900"),
        (-3000000, "-Rp 3 jt"),
        (999_999, "Rp 1 jt"),
    ],
)
def test_rupiah_short(value, expected):
    assert rupiah_short(value).replace(NBSP, " ") == expected


def test_amounts_never_wrap_away_from_their_currency():
    assert rupiah(1250000) == "Rp\xa01.250.000"
    assert rupiah_short(1250000000) == "Rp\xa01,25\xa0M"


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 10**30, "1e70", True])
def test_absurd_values_show_as_empty_never_crash(value):
    assert rupiah(value) == "–"
    assert rupiah_short(value) == "–"


def test_dates_read_as_indonesians_write_them():
    template = Template("{{ day|date }}")
    with translation.override("id"):
        assert template.render(Context({"day": datetime.date(2025, 12, 23)})) == "23 Desember 2025"
    with translation.override("en"):
        assert template.render(Context({"day": datetime.date(2025, 12, 23)})) == "23 December 2025"
