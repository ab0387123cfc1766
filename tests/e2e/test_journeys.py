import pytest

from tests.e2e.conftest import sign_in, tegal_ratu
from tests.factories import PlannerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_planner_signs_in_and_sees_the_home_page_in_indonesian(page, login, cilegon):
    PlannerFactory(username="planner", first_name="Nurul")

    login("planner")

    page.get_by_role("heading", name="Selamat datang, Nurul").wait_for()
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.get_by_role("link", name="Perusahaan").first.is_visible()
    # No console error: every asset is self-hosted and allowed by the CSP.
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/companies/")
    assert errors == []
    if shot := __import__("os").environ.get("E2E_SCREENSHOT"):
        page.screenshot(path=shot, full_page=True)


def test_a_wrong_password_gets_a_clear_message(page, login, cilegon):
    PlannerFactory(username="planner")
    login("planner", "salah-sekali")
    # Django's Indonesian "Masukkan nama pengguna dan sandi yang benar ..."
    assert "benar" in page.locator("[data-error-summary]").inner_text()
    assert page.url.endswith("/accounts/login/")


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_an_officer_drafts_attaches_comes_back_and_submits_a_program(
    page, login, settings, tmp_path
):
    from programs.models import Program

    settings.MEDIA_ROOT = tmp_path
    need, _company = tegal_ratu(planner=False)

    login("officer")
    page.get_by_role("link", name="Program CSR").click()
    page.get_by_role("link", name="Program baru", exact=True).click()
    page.get_by_label("Judul").fill("Bedah rumah ring 1")
    page.get_by_label("Tegal Ratu", exact=True).check()
    page.get_by_label("Kubangsari", exact=True).check()
    page.locator("select[name='pledges-0-need']").select_option(str(need.pk))
    page.locator("input[name='pledges-0-quantity']").fill("10")
    page.locator("input[name='pledges-0-amount']").fill("200000000")
    page.get_by_role("button", name="Simpan draf").click()
    page.get_by_text("Draf disimpan").wait_for()

    page.set_input_files(
        "input[name='file']",
        files=[{"name": "proposal.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.get_by_role("button", name="Lampirkan").click()
    page.get_by_role("link", name="proposal.pdf").wait_for()

    # Come back later: the draft is in the company's list, complete it and submit.
    page.get_by_role("link", name="Program CSR").first.click()
    page.get_by_role("link", name="Bedah rumah ring 1").click()
    page.get_by_role("link", name="Ubah", exact=True).click()
    assert page.get_by_label("Tegal Ratu", exact=True).is_checked()
    page.get_by_label("Ringkasan").fill("Bedah 10 rumah di Tegal Ratu")
    page.get_by_label("Keterangan").fill("Bersama kelurahan dan Disperkim.")
    page.get_by_label("Pilar").select_option("infrastructure")
    page.get_by_label("Tanggal mulai").fill("2026-03-01")
    page.get_by_label("Tanggal selesai").fill("2026-10-31")
    page.get_by_label("Total anggaran (Rp)").fill("250000000")
    page.get_by_label("Rencana penerima manfaat").fill("40")
    page.get_by_role("button", name="Simpan draf").click()
    page.get_by_role("button", name="Ajukan ke perencana").click()

    page.get_by_text("Program telah diajukan").wait_for()
    assert page.get_by_role("link", name="Ubah", exact=True).count() == 0
    assert page.get_by_text("hanya dapat dibaca").first.is_visible()
    program = Program.objects.get()
    assert program.status == Program.Status.SUBMITTED
    assert program.villages.count() == 2 and program.attachments.count() == 1


def test_a_planner_asks_for_a_revision_then_approves_and_the_gap_shrinks(signed_in, settings):
    import datetime

    from django.utils import timezone

    from planning.models import Need
    from programs.models import Program
    from tests.factories import (
        PledgeFactory,
        ProgramFactory,
    )

    need, company = tegal_ratu()
    plan = need.priority.plan
    housing = ProgramFactory(
        company=company,
        plan=plan,
        status=Program.Status.SUBMITTED,
        title="Bedah rumah Tegal Ratu",
        submitted_at=timezone.now(),
    )
    housing.villages.set([need.village])
    PledgeFactory(program=housing, need=need, quantity=10, amount=200_000_000)
    ProgramFactory(
        company=company,
        plan=plan,
        status=Program.Status.SUBMITTED,
        pillar="education",
        title="Ruang kelas SDN Tegal Ratu 1",
        submitted_at=timezone.now() - datetime.timedelta(days=1),
    )

    planner = signed_in("planner")
    planner.get_by_role("link", name="Program CSR").click()
    planner.get_by_label("Status").select_option("submitted")
    planner.get_by_label("Pilar").select_option("infrastructure")
    planner.wait_for_url("**pillar=infrastructure**")
    results = planner.locator("#program-results")
    results.get_by_text("Bedah rumah Tegal Ratu").wait_for()
    assert results.get_by_text("Ruang kelas SDN Tegal Ratu 1").count() == 0
    planner.go_back()  # the filters are in the history
    planner.wait_for_url("**status=submitted**")
    planner.go_forward()
    planner.get_by_role("link", name="Bedah rumah Tegal Ratu").click()
    planner.get_by_label("Catatan untuk perusahaan").fill("Mohon lampirkan daftar penerima")
    planner.get_by_role("button", name="Minta revisi").click()
    planner.get_by_text("dikembalikan ke perusahaan").wait_for()

    officer = signed_in("officer")
    officer.get_by_role("link", name="Program CSR").click()
    officer.get_by_role("link", name="Bedah rumah Tegal Ratu").click()
    assert officer.get_by_text("Mohon lampirkan daftar penerima").is_visible()
    officer.get_by_role("link", name="Ubah", exact=True).click()
    officer.get_by_label("Ringkasan").fill("Bedah 10 rumah; daftar penerima terlampir")
    officer.get_by_role("button", name="Simpan draf").click()
    officer.get_by_role("button", name="Ajukan ke perencana").click()
    officer.get_by_text("Program telah diajukan").wait_for()

    planner.reload()
    planner.get_by_role("button", name="Setujui").click()
    planner.get_by_text("Program disetujui").wait_for()
    planner.get_by_role("link", name="Rutilahu Tegal Ratu").first.click()
    gap_card = planner.locator(".card", has_text="Kekurangan")
    assert gap_card.locator(".stat").inner_text() == "30"
    assert Need.objects.get(pk=need.pk).pledged_quantity == 10


def test_a_report_is_filed_with_a_photo_returned_corrected_and_verified(signed_in, settings):
    import datetime
    import io

    from django.utils import timezone
    from PIL import Image

    from delivery.models import Report
    from planning.models import Need
    from programs.models import Program
    from tests.factories import (
        PledgeFactory,
        ProgramFactory,
    )

    need, company = tegal_ratu()
    plan = need.priority.plan
    program = ProgramFactory(
        company=company,
        plan=plan,
        status=Program.Status.APPROVED,
        title="Bedah rumah Tegal Ratu",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        submitted_at=timezone.now(),
    )
    PledgeFactory(program=program, need=need, quantity=10, amount=200_000_000)
    Need.objects.filter(pk=need.pk).update(pledged_quantity=10)
    photo = io.BytesIO()
    Image.new("RGB", (320, 240), "orange").save(photo, "PNG")

    officer = signed_in("officer")
    officer.goto(program.get_absolute_url())
    officer.get_by_role("link", name="Laporan baru").click()
    officer.get_by_role("button", name="Mulai laporan").click()
    officer.get_by_label("Terealisasi pada periode ini, Rutilahu Tegal Ratu (0/10 rumah)").fill("4")
    officer.get_by_label("Kegiatan yang dilakukan").fill("Empat rumah selesai dibedah.")
    officer.get_by_role("button", name="Simpan laporan").click()
    officer.set_input_files(
        "input[name='file']",
        files=[{"name": "atap.png", "mimeType": "image/png", "buffer": photo.getvalue()}],
    )
    officer.get_by_label("Keterangan foto").fill("Atap baru rumah Ibu Sari")
    officer.get_by_role("button", name="Tambahkan bukti").click()
    officer.get_by_role("img", name="Atap baru rumah Ibu Sari").wait_for()
    officer.get_by_role("button", name="Ajukan ke perencana").click()
    officer.get_by_text("Laporan diajukan").wait_for()

    planner = signed_in("planner")
    planner.get_by_role("link", name="Laporan", exact=True).click()
    planner.get_by_role("link", name="Bedah rumah Tegal Ratu").click()
    planner.get_by_label("Catatan untuk perusahaan").fill("Mohon lampirkan daftar penerima.")
    planner.get_by_role("button", name="Kembalikan untuk perbaikan").click()
    planner.get_by_text("Laporan dikembalikan ke perusahaan").wait_for()

    officer.reload()
    assert officer.get_by_text("Mohon lampirkan daftar penerima.").is_visible()
    officer.get_by_role("link", name="Ubah", exact=True).click()
    officer.get_by_label("Penerima manfaat yang dijangkau").fill("16")
    officer.get_by_role("button", name="Simpan laporan").click()
    officer.get_by_role("button", name="Ajukan ke perencana").click()
    officer.get_by_text("Laporan diajukan").wait_for()

    planner.reload()
    planner.get_by_role("button", name="Verifikasi", exact=True).click()
    planner.get_by_text("Laporan terverifikasi").wait_for()
    planner.goto(need.priority.get_absolute_url())
    delivered = planner.locator(".card", has_text="Realisasi").locator(".stat")
    assert delivered.inner_text() == "4"
    assert Report.objects.get().status == Report.Status.VERIFIED
    assert Program.objects.get(pk=program.pk).status == Program.Status.IN_PROGRESS


def test_a_planner_goes_from_the_dashboard_to_the_largest_gap_and_the_public_sees_delivery(
    signed_in, audited, live_server, settings
):
    import datetime

    from django.core.management import call_command

    from csrportal.demo.seed import BOUNDARIES, seed_regions
    from delivery.models import OutputLine, Report
    from planning.models import Need
    from programs.models import OutputIndicator, Program
    from regions.models import Region
    from tests.factories import (
        CompanyFactory,
        NeedFactory,
        PlanFactory,
        PlannerFactory,
        PledgeFactory,
        PriorityFactory,
        ProgramFactory,
    )

    seed_regions()
    call_command("import_boundaries", str(BOUNDARIES), verbosity=0)
    plan = PlanFactory()
    rutilahu = PriorityFactory(
        plan=plan, code="RUTILAHU", title="Penanganan rumah tidak layak huni"
    )
    tegal_ratu = Region.objects.get(code="36.72.04.1002")
    masigit = Region.objects.get(code="36.72.05.1003")
    tegal_need = NeedFactory(priority=rutilahu, village=tegal_ratu, quantity=40)
    NeedFactory(priority=rutilahu, village=masigit, quantity=80)
    PlannerFactory(username="planner")
    company = CompanyFactory(name="PT Krakatau Posco", contact_person="Budi Santoso")
    sisterhood = ProgramFactory(
        company=company,
        plan=plan,
        status=Program.Status.IN_PROGRESS,
        title="KP Sisterhood Program",
        start_date=datetime.date(2026, 1, 1),
    )
    sisterhood.villages.set([tegal_ratu])
    PledgeFactory(program=sisterhood, need=tegal_need, quantity=10, delivered_quantity=3)
    Need.objects.filter(pk=tegal_need.pk).update(pledged_quantity=10, delivered_quantity=3)
    lights = OutputIndicator.objects.create(name="Lampu tenaga surya", unit="unit")
    output = sisterhood.outputs.create(
        indicator=lights,
        target_quantity=11,
        village=tegal_ratu,
        site="Taman Geger Cilegon",
        latitude="-6.00500",
        longitude="106.03000",
    )
    report = Report.objects.create(
        program=sisterhood,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 3, 31),
        status=Report.Status.VERIFIED,
    )
    OutputLine.objects.create(report=report, output=output, quantity=6)
    for status, title in [("draft", "Draf rahasia"), ("submitted", "Usulan menunggu")]:
        hidden = ProgramFactory(company=company, plan=plan, status=status, title=title)
        hidden.villages.set([tegal_ratu])

    planner = signed_in("planner")
    elsewhere = []
    planner.on(
        "request",
        lambda r: (
            r.url.startswith(live_server.url)
            or r.url.startswith("data:")
            or elsewhere.append(r.url)
        ),
    )
    planner.get_by_role("heading", name="Dasbor").wait_for()
    row = planner.get_by_role("row").filter(has_text="Penanganan rumah tidak layak huni")
    row.get_by_role("link", name="di peta").click()
    planner.get_by_role("heading", name="Peta pemerataan").wait_for()
    first = planner.locator(".map-table tbody tr").first
    assert "Masigit" in first.inner_text()
    planner.locator('svg a[data-code="36.72.05.1003"]').click()
    planner.get_by_role("heading", name="Kelurahan Masigit").wait_for()
    assert "80" in planner.locator("table").first.inner_text()

    visitor = audited.page()
    visitor.on(
        "request",
        lambda r: (
            r.url.startswith(live_server.url)
            or r.url.startswith("data:")
            or elsewhere.append(r.url)
        ),
    )
    visitor.goto("/public/villages/36.72.04.1002/")
    visitor.get_by_role("heading", name="Kelurahan Tegal Ratu").wait_for()
    page = visitor.content()
    assert "KP Sisterhood Program" in page and "Lampu tenaga surya" in page
    assert "6/11" in page and "3/10" in page
    for private in ["Draf rahasia", "Usulan menunggu", "Budi Santoso"]:
        assert private not in page
    visitor.goto("/public/map/")
    assert visitor.locator("svg a[data-code]").count() == 43
    assert elsewhere == []
    assert audited.violations() == [], audited.summary()


def test_a_planner_opens_a_round_an_officer_submits_into_it_and_the_workbook_shows_it(
    signed_in, tmp_path
):
    import io

    import openpyxl

    from programs.models import Program, Round
    from tests.factories import (
        CompanyFactory,
    )

    need, _company = tegal_ratu()
    CompanyFactory(name="PT Chandra Asri Pacific")

    planner = signed_in("planner")
    planner.get_by_role("link", name="Sinkronisasi").click()
    planner.get_by_role("link", name="Buka putaran").click()
    planner.get_by_label("Judul").fill("Sinkronisasi CSR 2027")
    planner.get_by_label("Tahun program").select_option("2027")
    planner.get_by_label("Tenggat pengajuan program").fill("2026-12-15")
    planner.get_by_label("Tanggal rapat").fill("2026-12-23")
    planner.get_by_role("button", name="Buka putaran dan undang").click()
    planner.get_by_text("2 perusahaan baru diundang").wait_for()
    row = planner.locator("tr", has_text="PT Krakatau Posco")
    assert row.locator(".badge").inner_text() == "Belum ada"

    officer = signed_in("officer")
    invitation = officer.locator(".invitation", has_text="Sinkronisasi CSR 2027")
    assert "15 Desember 2026" in invitation.inner_text()
    invitation.get_by_role("link", name="Mulai program untuk putaran ini").click()
    assert officer.get_by_label("Putaran").locator("option:checked").inner_text() == (
        "Sinkronisasi CSR 2027"
    )
    officer.get_by_label("Judul").fill("Bedah rumah 2027")
    officer.get_by_label("Ringkasan").fill("Bedah 10 rumah di Tegal Ratu")
    officer.get_by_label("Keterangan").fill("Bersama kelurahan dan Disperkim.")
    officer.get_by_label("Pilar").select_option("infrastructure")
    officer.get_by_label("Tegal Ratu", exact=True).check()
    officer.get_by_label("Tanggal mulai").fill("2027-02-01")
    officer.get_by_label("Tanggal selesai").fill("2027-11-30")
    officer.get_by_label("Total anggaran (Rp)").fill("250000000")
    officer.get_by_label("Rencana penerima manfaat").fill("40")
    officer.locator("select[name='pledges-0-need']").select_option(str(need.pk))
    officer.locator("input[name='pledges-0-quantity']").fill("10")
    officer.locator("input[name='pledges-0-amount']").fill("200000000")
    officer.get_by_role("button", name="Simpan draf").click()
    officer.get_by_role("button", name="Ajukan ke perencana").click()
    officer.get_by_text("Program telah diajukan").wait_for()
    round = Round.objects.get()
    assert Program.objects.get().round == round

    planner.reload()
    row = planner.locator("tr", has_text="PT Krakatau Posco")
    assert row.locator(".badge").inner_text() == "Diajukan, sedang ditinjau"
    assert "Rp\xa0200.000.000" in row.inner_text()
    planner.get_by_role("button", name="Siapkan buku kerja sinkronisasi (Excel)").click()
    with planner.expect_download() as download:
        planner.get_by_role("link", name="Unduh buku kerja sinkronisasi").click()
    path = tmp_path / "workbook.xlsx"
    download.value.save_as(path)
    workbook = openpyxl.load_workbook(io.BytesIO(path.read_bytes()), data_only=True)
    programs = list(workbook["Program dalam putaran"].iter_rows(values_only=True))
    assert programs[1][:3] == ("PT Krakatau Posco", "Bedah rumah 2027", "Diajukan")
    priorities = list(workbook["Prioritas"].iter_rows(values_only=True))
    proposed = priorities[0].index("Diusulkan dalam putaran (unit)")
    assert priorities[1][proposed] == 10
    proposed_rupiah = priorities[0].index("Diusulkan dalam putaran (Rp)")
    assert priorities[-1][proposed_rupiah] == 200_000_000  # the totals row


def test_a_penajam_program_is_decided_in_penajam_hidden_from_balikpapan_and_counted_above(
    audited, live_server
):
    """The refinery's officer submits its Penajam program; Penajam's planner approves it;
    Balikpapan's planner cannot see it; the Kalimantan Timur and national overviews count it."""
    from csrportal.demo import regional, seed
    from planning.models import DevelopmentPlan, Need
    from programs.models import Program
    from regions.models import Region
    from tests.factories import PledgeFactory, ProgramFactory

    seed.seed_regions()
    regional.seed_country()
    regional.seed_regions()
    regional.seed_companies()
    regional.seed_plans()
    regional.seed_users("correct-horse-battery")
    plan = DevelopmentPlan.objects.current(city=Region.objects.get(code="64.09"))
    need = Need.objects.get(priority__plan=plan, priority__code="BAHASA")
    program = ProgramFactory(
        company=need.village.operating_companies.get().company,
        plan=plan,
        title="Kampung Inggris Sepaku",
        pillar="education",
    )
    program.villages.set([need.village])
    PledgeFactory(program=program, need=need, quantity=25, amount=50_000_000)
    url = f"/64.09/programs/{program.pk}/"

    officer = audited.page()
    sign_in(officer, "officer-kpi")
    officer.wait_for_url("**/")
    officer.goto(url)
    officer.get_by_role("button", name="Ajukan ke perencana").click()
    officer.get_by_text("Program telah diajukan").wait_for()

    planner = audited.page()
    sign_in(planner, "planner-ppu")
    planner.wait_for_url("**/64.09/")  # a planner of one region lands in it
    planner.goto("/64.09/programs/?status=submitted")
    planner.get_by_role("link", name="Kampung Inggris Sepaku").click()
    planner.get_by_role("button", name="Setujui").click()
    planner.get_by_text("Program disetujui").wait_for()
    assert Program.objects.get(pk=program.pk).status == Program.Status.APPROVED

    other = audited.page()
    sign_in(other, "planner-bpn")
    other.wait_for_url("**/64.71/")
    for hidden in (url, f"/64.71/programs/{program.pk}/"):
        assert other.goto(hidden).status == 404

    province = audited.page()
    sign_in(province, "planner-kaltim")
    province.wait_for_url("**/overview/64/")  # the province's planner lands on its regencies
    row = province.get_by_role("row", name="Kabupaten Penajam Paser Utara")
    assert row.locator("td").nth(1).inner_text() == "25"  # pledged units
    national = audited.page()
    national.goto("/overview/?sort=-pledged")
    first = national.locator("tbody tr").first
    assert "Kabupaten Penajam Paser Utara" in first.inner_text()
    assert audited.violations() == [], audited.summary()


def test_a_planner_opens_a_companys_missing_reports_on_the_compliance_page(signed_in):
    """The whole list shows how many reports each company owes; opening the count fetches
    that company's list (htmx), so a region of thousands of companies draws a light page."""
    import datetime

    from programs.models import Program
    from tests.factories import ProgramFactory

    need, company = tegal_ratu()
    ProgramFactory(
        company=company,
        plan=need.priority.plan,
        title="Bedah rumah Tegal Ratu",
        status=Program.Status.IN_PROGRESS,
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2022, 12, 31),
    )
    page = signed_in("planner")
    page.goto("/reports/compliance/")
    row = page.get_by_role("row", name="PT Krakatau Posco")
    assert "Bedah rumah Tegal Ratu" not in row.inner_text()
    row.locator("summary").click()
    row.get_by_text("Bedah rumah Tegal Ratu, Triwulan 1 2020").wait_for()
    assert row.get_by_text("dan 2 lainnya").is_visible()


def test_the_kp_officer_adds_the_parks_coordinates_the_planner_approves_the_public_map_shows_them(
    signed_in, audited
):
    """A running program changes through an amendment: the officer proposes the two parks'
    coordinates and a later end date, the planner sees the change side by side and approves
    it, and the public map draws the two parks."""
    import datetime

    from django.core.cache import cache
    from django.core.management import call_command

    from csrportal.demo.seed import BOUNDARIES
    from planning.models import Need
    from programs.models import OutputIndicator, Program
    from tests.factories import PledgeFactory, ProgramFactory

    need, company = tegal_ratu()
    call_command("import_boundaries", str(BOUNDARIES), verbosity=0)
    sisterhood = ProgramFactory(
        company=company,
        plan=need.priority.plan,
        title="KP Sisterhood Program",
        status=Program.Status.IN_PROGRESS,
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )
    sisterhood.villages.set([need.village])
    PledgeFactory(program=sisterhood, need=need, quantity=10, amount=500_000_000)
    Need.objects.filter(pk=need.pk).update(pledged_quantity=10)
    lights = OutputIndicator.objects.create(name="Lampu taman tenaga surya", unit="unit")
    for site in ("Taman Geger Cilegon", "Taman Layak Anak"):
        sisterhood.outputs.create(
            indicator=lights, target_quantity=11, village=need.village, site=site
        )

    officer = signed_in("officer")
    officer.goto(sisterhood.get_absolute_url())
    officer.get_by_role("link", name="Usulkan perubahan").first.click()
    officer.get_by_role("heading", name="Usulkan perubahan").wait_for()
    officer.get_by_label("Mengapa perubahan ini").fill(
        "Koordinat kedua taman kini diketahui; pekerjaan selesai Maret 2027."
    )
    officer.get_by_label("Tanggal selesai").fill("2027-03-31")
    # The first park is placed on the kelurahan's outline: a click, then a step east with the
    # keyboard; the second is typed.
    officer.get_by_role("button", name="Letakkan di peta").first.click()
    outline = officer.get_by_role("application", name="Peta Kelurahan Tegal Ratu", exact=False)
    outline.click()
    outline.press("ArrowRight")
    latitude = officer.locator('input[name="outputs-0-latitude"]').input_value()
    longitude = officer.locator('input[name="outputs-0-longitude"]').input_value()
    assert latitude.startswith("-6.0") and longitude.startswith("105.9"), (latitude, longitude)
    assert "Diletakkan di" in officer.locator("[data-picker-status]").inner_text()
    officer.locator('input[name="outputs-1-latitude"]').fill("-6.02325")
    officer.locator('input[name="outputs-1-longitude"]').fill("105.97753")
    officer.get_by_role("button", name="Ajukan perubahan").click()
    officer.get_by_role("heading", name="Perubahan KP Sisterhood Program").wait_for()
    assert "Menunggu keputusan" in officer.content()

    planner = signed_in("planner")
    planner.goto(sisterhood.get_absolute_url())
    planner.get_by_role("link", name="Sebuah perubahan menunggu keputusan Anda.").click()
    table = planner.get_by_role("table").inner_text()
    assert "31 Desember 2026" in table and "31 Maret 2027" in table
    assert f"{latitude}, {longitude}" in table and "-6.02325, 105.97753" in table
    planner.get_by_role("button", name="Setujui perubahan").click()
    planner.get_by_text("Perubahan disetujui: program kini sesuai usulan.").wait_for()

    sisterhood.refresh_from_db()
    assert sisterhood.end_date == datetime.date(2027, 3, 31)
    cache.clear()  # the public map is kept five minutes (docs/caching.md)
    visitor = audited.page()
    visitor.goto("/public/map/")
    sites = visitor.locator("svg[role=group] circle.site")
    assert sites.count() == 2
    titles = " ".join(sites.nth(i).text_content() for i in range(2))
    assert "Taman Geger Cilegon" in titles and "Taman Layak Anak" in titles


def test_households_imported_once_claimed_reported_and_verified_one_by_one(
    signed_in, audited, live_server, settings
):
    """The planner imports a household register with a row twice (flagged, added once); the
    officer takes ten Samangraya households for a pledge, the poorest first; the planner
    approves; the officer reports four with a photo each; the planner verifies three and
    returns one; the public Samangraya page shows 3 delivered of 10, and no name."""
    import datetime
    import io

    from PIL import Image

    from planning.models import Need, TargetUnit
    from programs.models import Program, UnitClaim
    from regions.models import Region
    from tests.factories import NeedFactory, PledgeFactory, ProgramFactory

    settings.MEDIA_ROOT = str(settings.MEDIA_ROOT)
    need, company = tegal_ratu()
    samangraya = Region.objects.get(code="36.72.08.1006")
    houses = NeedFactory(
        priority=need.priority, village=samangraya, title="Rutilahu Samangraya", quantity=12
    )
    program = ProgramFactory(
        company=company,
        plan=need.priority.plan,
        title="Bedah rumah Samangraya",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )
    program.villages.set([samangraya])
    pledge = PledgeFactory(program=program, need=houses, quantity=10, amount=200_000_000)
    rows = [
        f"3672081201{70 + n:02d}{n:04d};Warga Fiktif {n};36.72.08.1006;{n % 10 + 1};rusak berat"
        for n in range(1, 13)
    ]
    register = "\n".join(["NIK;Nama Kepala Keluarga;Kelurahan;Desil;Kondisi Atap", *rows, rows[0]])

    planner = signed_in("planner")
    planner.goto("/plan/units/import/")
    planner.get_by_label("Rumah tangga (NIK, kepala keluarga, kelurahan)").check()
    planner.get_by_label("Prioritas").select_option(label=str(need.priority))
    planner.set_input_files(
        "input[name='file']",
        files=[{"name": "rtlh.csv", "mimeType": "text/csv", "buffer": register.encode()}],
    )
    planner.get_by_role("button", name="Periksa berkas").click()
    planner.get_by_text("Rumah tangga yang sama dengan baris 2.").wait_for()
    planner.get_by_role("button", name="Impor 12 unit baru").click()
    planner.get_by_text("Diimpor: 12 unit baru").wait_for()
    assert TargetUnit.objects.count() == 12

    officer = signed_in("officer")
    officer.goto(program.get_absolute_url())
    officer.get_by_role("link", name="Pilih unit").click()
    officer.get_by_role("link", name="Usulkan yang termiskin dan paling rusak lebih dulu").click()
    officer.get_by_role("button", name="Simpan unit").click()
    officer.get_by_text("10 unit dipilih").wait_for()
    officer.get_by_role("button", name="Ajukan ke perencana").click()

    planner.goto(program.get_absolute_url())
    planner.get_by_role("button", name="Setujui").click()
    planner.get_by_text("Disetujui").first.wait_for()
    assert UnitClaim.objects.filter(pledge=pledge, committed=True).count() == 10

    officer.goto(program.get_absolute_url())
    officer.get_by_role("link", name="Laporan baru").click()
    officer.get_by_role("button", name="Mulai laporan").click()
    done = list(pledge.claims.select_related("unit").order_by("unit")[:4])
    for claim in done:
        officer.get_by_label(f"{claim.unit.reference} · Samangraya").check()
    officer.get_by_label("Kegiatan yang dilakukan").fill("Empat rumah selesai dibedah.")
    officer.get_by_role("button", name="Simpan laporan").click()
    for claim in done:
        photo = io.BytesIO()
        Image.new("RGB", (320, 240), "orange").save(photo, "PNG")
        officer.set_input_files(
            "input[name='file']",
            files=[{"name": "rumah.png", "mimeType": "image/png", "buffer": photo.getvalue()}],
        )
        officer.get_by_label("Unit yang tampak").select_option(
            label=f"{claim.unit.reference} · Samangraya"
        )
        officer.get_by_label("Keterangan foto").fill(f"Rumah {claim.unit.reference}")
        officer.get_by_role("button", name="Tambahkan bukti").click()
        officer.get_by_role("img", name=f"Rumah {claim.unit.reference}").wait_for()
    officer.get_by_role("button", name="Ajukan ke perencana").click()
    officer.get_by_text("Laporan diajukan").wait_for()

    planner.goto(officer.url)
    planner.get_by_label(f"{done[3].unit.reference} · Samangraya").check()
    planner.get_by_label("Catatan untuk perusahaan").fill("Rumah keempat belum beratap.")
    planner.get_by_role("button", name="Verifikasi", exact=True).click()
    planner.get_by_text("Laporan terverifikasi").wait_for()
    assert Need.objects.get(pk=houses.pk).delivered_quantity == 3

    visitor = audited.page()
    visitor.goto(f"{live_server.url}/public/villages/36.72.08.1006/")
    text = visitor.locator("main").inner_text()
    assert "Warga Fiktif" not in text and "3672••" not in text
    cells = visitor.locator("tr", has_text="Rutilahu Samangraya").locator("td")
    assert [cells.nth(1).inner_text(), cells.nth(2).inner_text()] == ["10", "3"]
    assert Program.objects.get(pk=program.pk).status == Program.Status.IN_PROGRESS
