import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from companies.models import Company
from programs.models import Program
from regions.models import Region, ServedRegion


def test_the_home_page_speaks_indonesian_by_default(planner_client):
    response = planner_client.get(reverse("home"))
    assert response.status_code == 200
    assert '<html lang="id">' in response.content.decode()
    assert "Selamat datang" in response.content.decode()
    assert "0 perusahaan terdaftar" in response.content.decode()  # a plural form


def test_an_english_browser_still_gets_indonesian(planner_client):
    response = planner_client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Selamat datang" in response.content.decode()


def test_english_is_one_click_away(planner_client):
    response = planner_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert "Welcome" in planner_client.get(reverse("home")).content.decode()


def test_the_login_page_is_in_indonesian(client, db):
    html = client.get(reverse("login")).content.decode()
    assert "Masuk" in html and "Sandi" in html and "Nama pengguna" in html


def test_an_officer_sees_their_company_on_the_home_page(officer_client, company_a):
    assert company_a.name in officer_client.get(reverse("home")).content.decode()


def test_a_region_page_shows_breadcrumbs_and_children(planner_client, cilegon):
    response = planner_client.get(reverse("regions:detail", args=["36.72.04"]))
    assert [r.code for r in response.context["breadcrumbs"]] == ["36", "36.72"]
    assert len(response.context["children"]) == 6
    assert "Tegal Ratu" in response.content.decode()


def test_a_404_is_friendly_and_translated(planner_client, db):
    response = planner_client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()


CITIES = ["36.72", "64.71", "64.09", "33.25"]  # Cilegon, Balikpapan, Penajam, Batang


@pytest.mark.slow
def test_seed_demo_creates_the_demo_and_its_accounts(db):
    call_command("seed_demo")
    assert Company.objects.count() >= 100
    villages = Region.objects.filter(level=Region.Level.VILLAGE)
    assert [villages.filter(code__startswith=f"{c}.").count() for c in CITIES] == [43, 34, 54, 248]
    # Every province and regency, outlined, for the overviews (Kalimantan Selatan has no outline).
    assert Region.objects.filter(level=Region.Level.PROVINCE).count() == 38
    assert Region.objects.filter(level=Region.Level.REGENCY, boundary__isnull=False).count() == 514
    assert sorted(ServedRegion.objects.values_list("region__code", flat=True)) == sorted(CITIES)
    for username, code in (("planner-bpn", "64.71"), ("planner-ppu", "64.09")):
        assert User.objects.get(username=username).planned_codes == [code]
    assert User.objects.get(username="planner-kaltim").read_codes == ["64"]
    kpi = Company.objects.get(slug="pt-kpi-unit-balikpapan")
    assert Company.objects.filter(pk=kpi.pk).region_codes() == ["64.09", "64.71"]
    in_penajam = Program.objects.filter(company=kpi, plan__city__code="64.09")
    assert set(in_penajam.values_list("status", flat=True)) == {"approved"}
    assert in_penajam.count() == 3
    officer = User.objects.get(username="officer")
    assert officer.check_password("demo12345")
    assert Company.objects.get(pk__in=officer.company_ids).name == "PT Krakatau Posco"
    assert User.objects.get(username="planner").is_planner
    assert User.objects.get(username="admin").is_superuser
    assert (
        Company.objects.filter(
            name__in=[
                "PT Krakatau Steel (Persero) Tbk",
                "PT Krakatau Posco",
                "PT Krakatau Sarana Properti",
                "PT Krakatau Posco Energy",
            ]
        ).count()
        == 4
    )


@pytest.mark.slow
def test_restarting_make_run_after_using_the_demo_changes_nothing_a_user_changed(db):
    from companies.models import CompanyVillage
    from planning.models import Need
    from programs.models import Program

    call_command("seed_demo")
    officer = User.objects.get(username="officer")
    company = Company.objects.get(pk__in=officer.company_ids)
    removed = company.operating_villages.first()
    removed.delete()
    Company.objects.filter(pk=company.pk).update(phone="(0254) 999 000")
    officer.set_password("my-own-password-2026")
    officer.save()
    Need.objects.update(quantity=500)  # e.g. the planner's own import
    before = (Program.objects.count(), CompanyVillage.objects.count(), Region.objects.count())

    call_command("seed_demo")

    assert (Program.objects.count(), CompanyVillage.objects.count(), Region.objects.count()) == (
        before
    )
    assert Company.objects.get(pk=company.pk).phone == "(0254) 999 000"
    assert not CompanyVillage.objects.filter(pk=removed.pk).exists()
    assert User.objects.get(username="officer").check_password("my-own-password-2026")
    assert set(Need.objects.values_list("quantity", flat=True)) == {500}


def test_demo_dates_tell_a_believable_story(db):
    from django.utils import timezone

    from programs.models import Program, ProgramTransition

    call_command("seed_demo")
    now = timezone.now()
    submitted = Program.objects.exclude(submitted_at=None)
    first, last = (min(p.submitted_at for p in submitted), max(p.submitted_at for p in submitted))
    assert first.year >= 2024 and last <= now and (last - first).days > 365
    for program in Program.objects.select_related("plan__city").prefetch_related("transitions"):
        moments = [t.at for t in program.transitions.all()]
        assert moments == sorted(moments) and all(at <= now for at in moments)
        assert program.created_at <= (moments[0] if moments else now)
        if program.plan.city.code == "36.72":  # Cilegon's yearly programs; others run for years
            assert str(program.start_date.year) in program.title  # "... 2026" runs in 2026
    decisions = ProgramTransition.objects.exclude(to_status="submitted").select_related("program")
    assert all(t.at > t.program.submitted_at for t in decisions)
    sisterhood = Program.objects.get(title="KP Sisterhood Program 2026")
    # It ran in 2026 until an approved change moved its end to March 2027 (demo.living).
    assert (sisterhood.start_date.year, sisterhood.end_date.isoformat()) == (2026, "2027-03-31")
    change = sisterhood.amendments.get()
    assert change.status == "approved" and change.base["fields"]["end_date"] == "2026-12-31"


def test_make_run_on_another_port_links_its_mail_there():
    import shutil
    import subprocess

    from django.conf import settings

    assert shutil.which("make"), "the README's commands need make"
    dry_run = subprocess.run(
        ["make", "-n", "run", "PORT=8001"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    serve = next(line for line in dry_run.splitlines() if "runserver" in line)
    assert "SITE_URL=http://127.0.0.1:8001" in serve and "127.0.0.1:8001" in serve.split()[-1]
