"""The downloadable import template: the columns, two examples and the valid codes.

The first sheet, the one imported, holds only the header: the examples stand on a sheet of
their own, so that a template filled in below them never imports them.
"""

import io

from django.utils.translation import gettext as _

from regions.models import Region

from .imports import COLUMNS
from .models import DevelopmentPlan


def _header_sheet(sheet) -> None:
    from openpyxl.styles import Font

    sheet.append([str(header) for _name, header, _aliases in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate([16, 26, 40, 10, 18, 18, 20, 40]):
        sheet.column_dimensions[chr(ord("A") + index)].width = width


def need_template_workbook(plan: DevelopmentPlan) -> bytes:
    # Imported when the template is asked for, not with every page: about 20 MB in each web
    # process that never draws one.
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Needs")[:31]
    _header_sheet(sheet)
    examples = workbook.create_sheet(_("Examples")[:31])
    _header_sheet(examples)
    priorities = list(plan.priorities.order_by("code"))
    villages = list(Region.objects.villages().within(plan.city).select_related("parent")[:2])
    for priority, village, number in zip(priorities[:2], villages, (1, 2), strict=False):
        examples.append(
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
