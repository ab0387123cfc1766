import datetime

import factory
from django.conf import settings

from accounts.models import RegionRole, User
from companies.models import Company, CompanyVillage, Membership, Ring
from planning.models import DevelopmentPlan, Need, Pillar, Priority
from programs import commitments
from programs.models import Invitation, Pledge, Program, Round
from regions.models import Region


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct-horse-battery")


class PlannerFactory(UserFactory):
    """A planner of `region` (a code; default: the deployment's city, whose regions a test
    loads first: the `cilegon` fixture)."""

    @factory.post_generation
    def region(self, create, extracted, **kwargs):
        region = Region.objects.get(code=extracted or settings.CITY_CODE)
        RegionRole.objects.get_or_create(
            user=self, region=region, defaults={"role": RegionRole.PLANNER}
        )


class ReaderFactory(UserFactory):
    """A reader of `region` (a province's or regency's code; None: all of Indonesia)."""

    @factory.post_generation
    def region(self, create, extracted, **kwargs):
        region = Region.objects.get(code=extracted) if extracted else None
        RegionRole.objects.create(user=self, region=region, role=RegionRole.READER)


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"PT Industri Contoh {n}")
    slug = factory.Sequence(lambda n: f"pt-industri-contoh-{n}")
    legal_name = factory.LazyAttribute(lambda c: c.name)
    sector_id = "petrochemicals"


class CompanyVillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompanyVillage

    company = factory.SubFactory(CompanyFactory)
    ring = Ring.RING_1


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DevelopmentPlan
        django_get_or_create = ["city", "first_year"]

    city = factory.LazyFunction(lambda: Region.objects.get(code="36.72"))
    title = "RPJMD Kota Cilegon 2025-2029"
    first_year = 2025
    last_year = 2029


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority

    plan = factory.SubFactory(PlanFactory)
    code = factory.Sequence(lambda n: f"P{n}")
    title = factory.Sequence(lambda n: f"Prioritas {n}")
    pillar = Pillar.INFRASTRUCTURE
    unit_id = "house"
    target_quantity = 100
    indicator = "Jumlah yang ditangani"
    agency = "Disperkim"


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need

    priority = factory.SubFactory(PriorityFactory)
    village = factory.LazyFunction(lambda: Region.objects.get(code="36.72.04.1002"))
    title = factory.Sequence(lambda n: f"Kebutuhan {n}")
    quantity = 10
    estimated_unit_cost = 20_000_000


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        skip_postgeneration_save = True

    company = factory.SubFactory(CompanyFactory)
    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Program CSR {n}")
    summary = "Ringkasan program"
    description = "Uraian program"
    pillar = Pillar.INFRASTRUCTURE
    start_date = datetime.date(2026, 1, 1)
    end_date = datetime.date(2026, 12, 31)
    budget = 1_000_000_000
    beneficiaries = 100

    @factory.post_generation
    def count_commitments(program, create, extracted, **kwargs):
        """A program made committed here bypassed the workflow: count its company again."""
        if create and program.status in Program.COMMITTED:
            commitments.recount(program.company_id)


class PledgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pledge

    program = factory.SubFactory(ProgramFactory)
    need = factory.SubFactory(NeedFactory)
    priority = factory.LazyAttribute(lambda p: p.need.priority)
    quantity = 5
    amount = 100_000_000


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    plan = factory.SubFactory(PlanFactory)
    year = 2027
    title = factory.LazyAttribute(lambda r: f"Sinkronisasi CSR {r.year}")
    deadline = datetime.date(2026, 12, 15)
    meeting_date = datetime.date(2026, 12, 23)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    round = factory.SubFactory(RoundFactory)
    company = factory.SubFactory(CompanyFactory)
