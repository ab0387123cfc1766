import datetime

import pytest

from delivery import services
from delivery.models import Report
from planning.models import Need
from programs.models import Program
from tests.factories import PledgeFactory, ProgramFactory


@pytest.fixture
def running(company_a, plan, tegal_ratu_need, village):
    """Company A's running program: 10 houses of the Tegal Ratu need, from January 2025."""
    program = ProgramFactory(
        company=company_a,
        plan=plan,
        status=Program.Status.IN_PROGRESS,
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        title="Bedah rumah Tegal Ratu",
    )
    program.villages.set([village])
    PledgeFactory(program=program, need=tegal_ratu_need, quantity=10, amount=200_000_000)
    Need.objects.filter(pk=tegal_ratu_need.pk).update(pledged_quantity=10)
    return program


def new_report(program, officer, start=(2025, 1, 1), end=(2025, 3, 31), delivered=4):
    report = services.report_create(
        program=program,
        period_start=datetime.date(*start),
        period_end=datetime.date(*end),
        by=officer,
    )
    report.lines.update(quantity=delivered, amount=delivered * 20_000_000)
    Report.objects.filter(pk=report.pk).update(narrative="Empat rumah selesai dibedah.")
    report.refresh_from_db()
    return report


@pytest.fixture
def report_of(running, officer_a):
    def make(**kwargs):
        return new_report(running, officer_a, **kwargs)

    return make
