from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from companies.models import Company
from regions.models import Region


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


def test_seed_demo_is_idempotent_and_creates_the_demo_accounts(db):
    call_command("seed_demo")
    counts = (Region.objects.count(), Company.objects.count(), User.objects.count())
    call_command("seed_demo")
    assert (Region.objects.count(), Company.objects.count(), User.objects.count()) == counts
    assert counts[0] == 2 + 8 + 43
    assert counts[1] >= 100
    assert (
        Region.objects.filter(code__startswith="36.72.", level=Region.Level.VILLAGE).count() == 43
    )
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
