"""Formats people expect: Rupiah with dot separators, short forms for dashboards."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()

EMPTY = "–"
# (threshold, divisor, suffix) from large to small; suffixes are Indonesian in every language.
SHORT_UNITS = [
    (Decimal(10) ** 12, Decimal(10) ** 12, "T"),
    (Decimal(10) ** 9, Decimal(10) ** 9, "M"),
    (Decimal(10) ** 6, Decimal(10) ** 6, "jt"),
    (Decimal(10) ** 3, Decimal(10) ** 3, "rb"),
]


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def group_thousands(value: int) -> str:
    """1250000 -> "1.250.000"."""
    return f"{value:,}".replace(",", ".")


@register.filter
def rupiah(value) -> str:
    """Rp 1.250.000.000 (whole rupiah)."""
    amount = _decimal(value)
    if amount is None:
        return EMPTY
    whole = int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    sign = "-" if whole < 0 else ""
    return f"{sign}Rp {group_thousands(abs(whole))}"


@register.filter
def rupiah_short(value) -> str:
    """Rp 1,25 M (miliar), Rp 750 jt (juta): at most two decimals, comma as separator."""
    amount = _decimal(value)
    if amount is None:
        return EMPTY
    sign, amount = ("-" if amount < 0 else ""), abs(amount)
    for threshold, divisor, suffix in SHORT_UNITS:
        if amount >= threshold:
            scaled = (amount / divisor).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            text = f"{scaled:f}".rstrip("0").rstrip(".").replace(".", ",")
            return f"{sign}Rp {text} {suffix}"
    return sign + rupiah(amount)
