"""What the API tells of each thing: what the public pages and the IATI feed already show,
never more (no person, no household, no file, no pledge's amount, no draft); to a token, also
the realization reports its person reads, and what a draft's filing gives (api.reports)."""

import copy

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.limits import MAX_PEOPLE, MAX_QUANTITY
from delivery.models import OutputLine, Report, ReportLine
from planning.models import Need
from programs.models import Program
from regions.models import Region


class BuiltOnce:
    # A ModelSerializer whose fields are built from its model once per process, then copied
    # for each use, as DRF copies declared fields (DRF builds them from the model for every
    # serializer made: ~1 ms of each answer, a seventh of a token's smallest one). So a
    # serializer's fields must never depend on its context or request (no `?fields=`, no
    # fields for some people only): the first answer's would serve everyone's. No docstring:
    # the schema would give it as each serializer's description.

    def get_fields(self):
        cls = type(self)
        if "_built_fields" not in cls.__dict__:
            cls._built_fields = super().get_fields()
        return copy.deepcopy(cls._built_fields)


class PlaceSerializer(BuiltOnce, serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "kind"]
        read_only_fields = fields


class RegionSerializer(serializers.Serializer):
    code = serializers.CharField(source="region.code")
    name = serializers.CharField(source="region.name")
    kind = serializers.CharField(source="region.kind")
    site_title = serializers.CharField()
    api = serializers.URLField(help_text="The region's own API root.")


class PrioritySerializer(serializers.Serializer):
    """A priority of the current plan with its figures, in its unit (insight.figures)."""

    code = serializers.CharField(source="priority.code")
    title = serializers.CharField(source="priority.title")
    pillar = serializers.CharField(source="priority.pillar")
    unit = serializers.CharField(source="priority.unit_id")
    indicator = serializers.CharField(source="priority.indicator")
    baseline = serializers.IntegerField(source="priority.baseline")
    target = serializers.IntegerField()
    pledged = serializers.IntegerField()
    delivered = serializers.IntegerField()
    gap = serializers.IntegerField()


class NeedSerializer(BuiltOnce, serializers.ModelSerializer):
    priority = serializers.CharField(source="priority.code")
    village = PlaceSerializer()
    pledged = serializers.IntegerField(source="pledged_quantity")
    delivered = serializers.IntegerField(source="delivered_quantity")
    gap = serializers.IntegerField(source="gap_value", help_text="Needed less pledged.")

    class Meta:
        model = Need
        fields = [
            "id",
            "title",
            "priority",
            "village",
            "quantity",
            "pledged",
            "delivered",
            "gap",
            "status",
        ]
        read_only_fields = fields


class PledgeSerializer(serializers.Serializer):
    # Of api.rows.with_details' values, as are the two below.
    priority = serializers.CharField(source="priority_code")
    need = serializers.IntegerField(source="need_id", allow_null=True)
    village = serializers.CharField(source="village_code", allow_null=True, default=None)
    quantity = serializers.IntegerField()
    delivered = serializers.IntegerField(
        source="delivered_quantity", help_text="As verified realization reports say."
    )


class OutputSerializer(serializers.Serializer):
    indicator = serializers.CharField(source="indicator_name")
    unit = serializers.CharField(source="indicator_unit")
    village = serializers.CharField(source="village_code", allow_null=True, default=None)
    site = serializers.CharField()
    target = serializers.IntegerField(source="target_quantity")
    delivered = serializers.IntegerField(
        source="achieved", help_text="As verified realization reports say."
    )


class PartnerSerializer(serializers.Serializer):
    kind = serializers.CharField()
    name = serializers.CharField(source="shown_name", read_only=True)


class CompanySerializer(serializers.Serializer):
    name = serializers.CharField(source="company_name")
    slug = serializers.CharField(source="company_slug")


class ProgramSerializer(BuiltOnce, serializers.ModelSerializer):
    """An approved, running or completed program, as the public pages show it."""

    # Of api.rows.programs' values.

    company = CompanySerializer(source="*")
    villages = PlaceSerializer(many=True)
    pledges = PledgeSerializer(many=True)
    outputs = OutputSerializer(many=True)
    partners = PartnerSerializer(many=True)
    sdgs = serializers.SerializerMethodField(help_text="The SDG goals it names (1-17).")

    class Meta:
        model = Program
        fields = [
            "id",
            "title",
            "summary",
            "status",
            "pillar",
            "company",
            "start_date",
            "end_date",
            "budget",
            "sdgs",
            "villages",
            "pledges",
            "outputs",
            "partners",
            "updated_at",
        ]
        read_only_fields = fields

    def get_sdgs(self, program) -> list[int]:
        goals = program["sdgs"]
        return [goal for goal in goals if isinstance(goal, int)] if isinstance(goals, list) else []


class VillageSerializer(BuiltOnce, serializers.ModelSerializer):
    """A desa or kelurahan with the figures of its needs in the current plan."""

    district = serializers.CharField(source="parent.code")
    needs = serializers.IntegerField(source="need_count")
    needed = serializers.IntegerField()
    pledged = serializers.IntegerField()
    delivered = serializers.IntegerField()
    gap = serializers.IntegerField()

    class Meta:
        model = Region
        fields = [
            "code",
            "name",
            "kind",
            "district",
            "needs",
            "needed",
            "pledged",
            "delivered",
            "gap",
        ]
        read_only_fields = fields


class ReportLineSerializer(BuiltOnce, serializers.ModelSerializer):
    """What a report says a pledge delivered and spent in its period."""

    # Annotations of the line (api.reports.with_lines), not joined instances.
    priority = serializers.CharField()
    need = serializers.IntegerField(allow_null=True)
    pledged = serializers.IntegerField()
    counted_from_units = serializers.BooleanField(
        source="covers_units",
        default=False,
        help_text="The pledge covers units (houses, schools): its quantity is the units ticked "
        "on the portal, never typed.",
    )

    class Meta:
        model = ReportLine
        fields = [
            "pledge",
            "priority",
            "need",
            "pledged",
            "quantity",
            "amount",
            "counted_from_units",
        ]
        read_only_fields = fields


class OutputLineSerializer(BuiltOnce, serializers.ModelSerializer):
    indicator = serializers.CharField()  # annotations, as a report line's
    unit = serializers.CharField()
    target = serializers.IntegerField()

    class Meta:
        model = OutputLine
        fields = ["output", "indicator", "unit", "target", "quantity"]
        read_only_fields = fields


class ReportSerializer(BuiltOnce, serializers.ModelSerializer):
    """A realization report as its company's officers and the region's planners read it (no
    file, no unit: those are on the portal's page, `page`)."""

    lines = ReportLineSerializer(many=True)
    outputs = OutputLineSerializer(many=True, source="output_lines")
    page = serializers.SerializerMethodField(help_text="The report's page on the portal.")

    class Meta:
        model = Report
        fields = [
            "id",
            "program",
            "period_start",
            "period_end",
            "status",
            "beneficiaries",
            "women",
            "men",
            "children",
            "narrative",
            "final",
            "submitted_at",
            "updated_at",
            "lines",
            "outputs",
            "page",
        ]
        read_only_fields = fields

    def get_page(self, report) -> str:
        # Reversed once per answer and region, each report's number put in its place: a
        # reverse() per report was a tenth of a list's CPU. A report's page ends in its number.
        region = report.program.region_code if Report.program.is_cached(report) else None
        links = self.context.setdefault("report_pages", {})
        if region not in links:
            url = self.context["request"].build_absolute_uri(report.get_absolute_url())
            head, number, tail = url.rpartition(f"/{report.pk}/")
            if not number:  # a page no longer ending in its number: each link reversed
                return url
            links[region] = (f"{head}/", f"/{tail}")
        head, tail = links[region]
        return f"{head}{report.pk}{tail}"


class VersionedReportSerializer(ReportSerializer):
    version = serializers.CharField(
        help_text="What a change must give back (PATCH): a change made meanwhile by someone "
        "else is refused, never overwritten."
    )

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "version"]
        read_only_fields = fields


class StrictSerializer(serializers.Serializer):
    """A body (or a line of it) naming a field this operation does not take is refused: a
    misspelt field is never silently left out (the schema says additionalProperties: false)."""

    def to_internal_value(self, data):
        if isinstance(data, dict) and (unknown := sorted(set(data) - set(self.fields))):
            raise serializers.ValidationError(
                {name: [UNKNOWN_FIELD] for name in unknown}, code="unknown"
            )
        return super().to_internal_value(data)


UNKNOWN_FIELD = _("This operation takes no such field.")


class LineInput(StrictSerializer):
    pledge = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    quantity = serializers.IntegerField(min_value=0, max_value=MAX_QUANTITY, required=False)
    # Its maximum (delivery.models: Rp 1,000 trillion) checked by the report's form: a
    # 16-digit figure in the schema would read as a NIK to a privacy scan.
    amount = serializers.IntegerField(
        min_value=0, required=False, help_text="Rupiah spent, at most Rp 1,000 trillion."
    )


class OutputInput(StrictSerializer):
    output = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    quantity = serializers.IntegerField(min_value=0, max_value=MAX_PEOPLE)


def people(help_text: str):
    return serializers.IntegerField(
        min_value=0, max_value=MAX_PEOPLE, allow_null=True, required=False, help_text=help_text
    )


class ReportChange(StrictSerializer):
    """What a draft's change gives: only the fields to change, and the version read."""

    version = serializers.CharField(max_length=40)
    narrative = serializers.CharField(
        allow_blank=True, required=False, trim_whitespace=False, max_length=20_000
    )
    beneficiaries = people("People reached in the period.")
    women = people("Of whom women.")
    men = people("Of whom men.")
    children = people("Of whom children.")
    final = serializers.BooleanField(required=False, help_text="The program's last report.")
    lines = serializers.ListField(child=LineInput(), required=False, max_length=50)
    outputs = serializers.ListField(child=OutputInput(), required=False, max_length=30)


class ReportNew(ReportChange):
    """A new draft: its period, and any of a change's fields."""

    version = None
    period_start = serializers.DateField()
    period_end = serializers.DateField()


class ComplianceSerializer(serializers.Serializer):
    """A company's reporting compliance in the region (delivery.compliance): of the quarters
    its committed programs owed a report, how many were filed on time, late, or not at all."""

    company = serializers.CharField(source="company.slug")
    name = serializers.CharField(source="company.name")
    sector = serializers.SerializerMethodField(help_text="The sector's code.")
    running = serializers.IntegerField(help_text="Approved or running programs.")
    due = serializers.IntegerField(help_text="Quarterly reports owed so far.")
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    verified = serializers.IntegerField()
    missing = serializers.IntegerField(source="missing_count")
    rate = serializers.IntegerField(
        allow_null=True, help_text="Percent of the reports owed that were filed; null if none."
    )

    def get_sector(self, row) -> str:
        """The code, whether the row counts a company (its sector's key, no query) or comes
        from the region's kept counts (delivery.compliance.CompanyName: the code)."""
        return getattr(row.company, "sector_id", None) or row.company.sector
