"""What the API tells of each thing: what the public pages and the IATI feed already show,
never more (no person, no household, no file, no pledge's amount, no draft)."""

from rest_framework import serializers

from planning.models import Need
from programs.models import Program
from regions.models import Region


class PlaceSerializer(serializers.ModelSerializer):
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


class NeedSerializer(serializers.ModelSerializer):
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
    priority = serializers.CharField(source="priority.code")
    need = serializers.IntegerField(source="need_id", allow_null=True)
    village = serializers.CharField(source="need.village.code", allow_null=True, default=None)
    quantity = serializers.IntegerField()
    delivered = serializers.IntegerField(
        source="delivered_quantity", help_text="As verified realization reports say."
    )


class OutputSerializer(serializers.Serializer):
    indicator = serializers.CharField(source="indicator.name")
    unit = serializers.CharField(source="indicator.unit")
    village = serializers.CharField(source="village.code", allow_null=True, default=None)
    site = serializers.CharField()
    target = serializers.IntegerField(source="target_quantity")
    delivered = serializers.IntegerField(
        source="achieved", help_text="As verified realization reports say."
    )


class PartnerSerializer(serializers.Serializer):
    kind = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, partner) -> str:
        return partner.company.name if partner.company_id else partner.name


class CompanySerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()


class ProgramSerializer(serializers.ModelSerializer):
    """An approved, running or completed program (insight.figures.public_programs)."""

    company = CompanySerializer()
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
        return (
            [goal for goal in program.sdgs if isinstance(goal, int)]
            if isinstance(program.sdgs, list)
            else []
        )


class VillageSerializer(serializers.ModelSerializer):
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
