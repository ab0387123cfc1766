"""The downloadable import template: the columns, two examples and the valid codes."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from regions.models import Region

from .imports import COLUMNS
from .models import DevelopmentPlan


def need_template_workbook(plan: DevelopmentPlan) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Needs")[:31]
    sheet.append([str(header) for _name, header, _aliases in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    priorities = list(plan.priorities.order_by("code"))
    villages = list(Region.objects.villages().within(plan.city).select_related("parent")[:2])
    for priority, village, number in zip(priorities[:2], villages, (1, 2), strict=False):
        sheet.append(
            [
                priority.code,
                village.code,
                _("Example: %(title)s") % {"title": priority.title},
                10,
                20_000_000,
                "Musrenbang",
                f"CONTOH-{number:03d}",
                "",
            ]
        )
    for index, width in enumerate([16, 26, 40, 10, 18, 18, 20, 40]):
        sheet.column_dimensions[chr(ord("A") + index)].width = width

    codes = workbook.create_sheet(_("Codes")[:31])
    codes.append([_("Priority code"), _("Priority"), _("Unit")])
    for priority in priorities:
        codes.append([priority.code, priority.title, priority.get_unit_display()])
    codes.append([])
    codes.append([_("Kelurahan code"), _("Kelurahan"), _("Kecamatan")])
    for village in Region.objects.villages().within(plan.city).select_related("parent"):
        codes.append([village.code, village.name, village.parent.name])
    codes.append([])
    codes.append([_("Source"), "Data OPD / Musrenbang / Usulan kelurahan"])
    codes.column_dimensions["A"].width = 18
    codes.column_dimensions["B"].width = 50

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
