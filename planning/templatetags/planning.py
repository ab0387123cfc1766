from django import template

from planning.models import Need

register = template.Library()


@register.inclusion_tag("planning/includes/_village_needs.html", takes_context=True)
def village_needs(context, village):
    """The needs of one kelurahan, as the signed-in user may see them (one query)."""
    needs = (
        Need.objects.visible_to(context["request"].user)
        .filter(village=village)
        .for_list()
        .order_by("priority__code", "-gap_value")
    )
    return {"needs": list(needs), "village": village}
