"""The synchronisation round's workbook: read back with openpyxl, each sheet's totals are the
dashboard's figures for the round's year."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from core.models import PreparedFile
from insight import figures
from programs.models import Program
from regions.models import Region
from tests.factories import (
    CompanyFactory,
    InvitationFactory,
    NeedFactory,
    PledgeFactory,
    ProgramFactory,
    RoundFactory,
)

S = Program.Status
IN_2027 = {"start_date": datetime.date(2027, 2, 1), "end_date": datetime.date(2027, 11, 30)}


def sheet_rows(workbook, title):
    rows = list(workbook[title].iter_rows(values_only=True))
    return rows[0], rows[1:-1], rows[-1]  # header, lines, totals


def column(header, name):
    return header.index(name)


def prepared(client, round, on_commit):
    """Ask for the round's workbook (prepared once the request commits: no broker in the
    tests), then fetch it through the link the round's page offers."""
    with on_commit(execute=True):
        asked = client.post(reverse("insight:round_workbook", args=[round.pk]))
    assert asked.status_code == 302 and asked["Location"].endswith("#workbook")
    file = PreparedFile.objects.get(subject=round.workbook_subject)
    assert file.status == PreparedFile.Status.READY and file.size > 0
    link = reverse("insight:round_workbook_file", args=[round.pk, file.pk])
    assert f'href="{link}"' in client.get(round.get_absolute_url()).content.decode()
    response = client.get(link)
    assert response.status_code == 200
    return response


def test_the_workbook_totals_equal_the_dashboards_figures_for_the_rounds_year(
    planner_client,
    plan,
    rutilahu,
    classrooms,
    village,
    company_a,
    company_b,
    django_capture_on_commit_callbacks,
):
    other_village = Region.objects.get(code="36.72.01.1001")
    houses = NeedFactory(priority=rutilahu, village=village, quantity=40)
    rooms = NeedFactory(priority=classrooms, village=other_village, quantity=6)
    round = RoundFactory(plan=plan, year=2027)
    InvitationFactory(round=round, company=company_a)
    InvitationFactory(round=round, company=company_b)
    approved = ProgramFactory(
        company=company_a, plan=plan, status=S.APPROVED, round=round, **IN_2027
    )
    PledgeFactory(program=approved, need=houses, quantity=10, amount=500_000_000)
    running = ProgramFactory(company=CompanyFactory(), plan=plan, status=S.IN_PROGRESS, **IN_2027)
    PledgeFactory(program=running, need=rooms, quantity=2, amount=300_000_000)
    PledgeFactory(program=running, need=None, priority=rutilahu, quantity=1, amount=7_000_000)
    cancelled = ProgramFactory(company=company_b, plan=plan, status=S.CANCELLED, **IN_2027)
    PledgeFactory(program=cancelled, need=houses, quantity=4, amount=80_000_000)
    cancelled.pledges.update(delivered_quantity=1, spent_amount=20_000_000)
    proposed = ProgramFactory(
        company=company_b, plan=plan, status=S.SUBMITTED, round=round, **IN_2027
    )
    PledgeFactory(program=proposed, need=houses, quantity=3, amount=90_000_000)
    ProgramFactory(company=company_b, plan=plan, status=S.APPROVED)  # 2026: not this year's
    secret = ProgramFactory(company=company_b, plan=plan, round=round, title="Draf rahasia")
    PledgeFactory(program=secret, need=houses, quantity=1, amount=1_000_000)

    response = prepared(planner_client, round, django_capture_on_commit_callbacks)
    assert response["Content-Disposition"].startswith('attachment; filename="sinkronisasi-2027')
    workbook = openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content)), data_only=True
    )
    assert workbook.sheetnames == [
        "Prioritas",
        "Perusahaan",
        "Kelurahan",
        "Program dalam putaran",
        "CSR dalam rencana",
    ]

    dashboard = figures.priorities(plan, 2027)
    pledged = sum(row.pledged_rupiah for row in dashboard)
    assert pledged == 500_000_000 + 300_000_000 + 7_000_000 + 20_000_000

    header, lines, totals = sheet_rows(workbook, "Prioritas")
    assert totals[0] == "Jumlah"
    assert totals[column(header, "Komitmen (Rp)")] == pledged
    assert sum(r[column(header, "Komitmen (Rp)")] for r in lines) == pledged
    assert [r[column(header, "Komitmen (unit)")] for r in lines] == [r.pledged for r in dashboard]
    assert totals[column(header, "Komitmen (unit)")] is None  # houses and classrooms: no sum
    assert totals[column(header, "Kebutuhan belum didanai (Rp)")] == sum(
        row.unfunded_rupiah for row in dashboard
    )
    assert totals[column(header, "Diusulkan dalam putaran (Rp)")] == 90_000_000

    header, lines, totals = sheet_rows(workbook, "Perusahaan")
    assert totals[column(header, "Komitmen (Rp)")] == pledged
    stages = {r[0]: r[column(header, "Dalam putaran")] for r in lines}
    assert stages[company_a.name] == "Disetujui"
    assert stages[company_b.name] == "Diajukan, sedang ditinjau"
    assert stages[running.company.name] == "Tidak diundang"

    header, lines, totals = sheet_rows(workbook, "Kelurahan")
    assert totals[column(header, "Komitmen (Rp)")] == pledged
    by_name = {r[1]: r for r in lines}
    assert by_name["Tegal Ratu"][column(header, "Komitmen (Rp)")] == 520_000_000
    assert by_name["Tanpa kelurahan (janji untuk prioritas)"][column(header, "Komitmen (Rp)")] == (
        7_000_000
    )
    assert len(lines) == 44  # Cilegon's 43 kelurahan and the line for priority-only pledges

    header, lines, totals = sheet_rows(workbook, "Program dalam putaran")
    assert sorted(r[column(header, "Status")] for r in lines) == ["Diajukan", "Disetujui"]
    assert not any("Draf rahasia" in str(r) for r in lines)  # a draft stays with its company

    # The share of CSR in the plan: the dashboard's for the year (two committed programs of
    # 2027 pledge toward priorities; the cancelled one is no longer committed).
    aligned, _sectors = figures.alignment(plan, 2027)
    header, lines, totals = sheet_rows(workbook, "CSR dalam rencana")
    assert totals[column(header, "Program disetujui")] == aligned.programs == 2
    assert totals[column(header, "Dalam rencana")] == aligned.programs_in_plan == 2
    assert (
        totals[column(header, "Komitmen untuk RPJMD (Rp)")]
        == aligned.in_plan_rupiah
        == (500_000_000 + 300_000_000 + 7_000_000)
    )


@pytest.mark.django_db(transaction=True)
def test_a_workbook_made_at_once_is_said_to_be_ready(planner_client, plan):
    """Without a worker the workbook is made when the request commits (at once, outside a
    transaction, as a request is): the page says it is ready, not that it is being made."""
    round = RoundFactory(plan=plan)
    asked = planner_client.post(reverse("insight:round_workbook", args=[round.pk]))
    page = planner_client.get(asked["Location"]).content.decode()
    assert "Buku kerja sudah siap" in page and "sedang disiapkan" not in page
