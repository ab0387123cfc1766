from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from regions.models import Region

SHARED_CSV = (
    Path(__file__).resolve().parents[3] / "shared" / "data" / "wilayah_kepmendagri_2025.csv"
)

GOOD = """kode,nama
36,Banten
36.72,Kota Cilegon
36.04,Kabupaten Serang
36.72.04,Ciwandan
36.72.04.1002,Tegal Ratu
36.04.01,Cinangka
36.04.01.2001,Kamasan
"""


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "wilayah.csv"
    path.write_text(text, encoding="utf-8")
    return path


def run(path) -> str:
    from io import StringIO

    out = StringIO()
    call_command("import_regions", str(path), stdout=out, stderr=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_imports_a_good_file_with_parents_levels_and_kinds(tmp_path):
    output = run(write(tmp_path, GOOD))

    assert "Created 7" in output
    tegal_ratu = Region.objects.get(code="36.72.04.1002")
    assert tegal_ratu.level == Region.Level.VILLAGE
    assert tegal_ratu.kind == Region.Kind.KELURAHAN
    assert tegal_ratu.parent.code == "36.72.04"
    assert tegal_ratu.parent.parent.kind == Region.Kind.KOTA
    assert Region.objects.get(code="36.04").kind == Region.Kind.KABUPATEN
    assert Region.objects.get(code="36.04.01.2001").kind == Region.Kind.DESA
    assert Region.objects.get(code="36").parent is None


@pytest.mark.django_db
def test_a_second_run_changes_nothing_and_says_so(tmp_path):
    path = write(tmp_path, GOOD)
    run(path)
    ids = dict(Region.objects.values_list("code", "pk"))

    output = run(path)

    assert "Nothing to change" in output
    assert dict(Region.objects.values_list("code", "pk")) == ids


@pytest.mark.django_db
def test_a_renamed_region_is_updated_in_place(tmp_path):
    run(write(tmp_path, GOOD))
    pk = Region.objects.get(code="36.72.04").pk

    output = run(write(tmp_path, GOOD.replace("Ciwandan", "Ciwandan Baru")))

    assert "updated 1" in output
    assert Region.objects.get(pk=pk).name == "Ciwandan Baru"


@pytest.mark.django_db
def test_a_child_may_hang_under_a_region_already_in_the_database(tmp_path):
    run(write(tmp_path, GOOD))
    run(write(tmp_path, "kode,nama\n36.72.04.1003,Kubangsari\n"))
    assert Region.objects.get(code="36.72.04.1003").parent.code == "36.72.04"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ("36.72.4.1002,Tegal Ratu", "36.72.4.1002"),  # bad code shape
        ("36.99.01,Tidak Ada", "36.99"),  # unknown parent
        ("36.72.04.1003,   ", "36.72.04.1003"),  # empty name
        ("36.72.04.1002,Tegal Ratu Lagi", "36.72.04.1002"),  # duplicate code
        ("36.72.04.1004", "2"),  # missing column
    ],
)
def test_a_bad_row_is_reported_with_its_line_and_nothing_is_imported(tmp_path, bad_line, message):
    path = write(tmp_path, GOOD + bad_line + "\n")

    with pytest.raises(CommandError, match="nothing was imported") as excinfo:
        run(path)

    assert Region.objects.count() == 0
    assert excinfo.value.__cause__.errors[0].line == 9
    assert message in str(excinfo.value.__cause__.errors[0])


@pytest.mark.django_db
def test_every_bad_row_is_reported(tmp_path):
    path = write(tmp_path, GOOD + "xx,Salah\n36.72.04.1009,\n")
    with pytest.raises(CommandError) as excinfo:
        run(path)
    assert [e.line for e in excinfo.value.__cause__.errors] == [9, 10]


@pytest.mark.django_db
def test_a_file_without_the_header_is_refused(tmp_path):
    with pytest.raises(CommandError):
        run(write(tmp_path, "36,Banten\n"))
    assert not Region.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run(tmp_path / "missing.csv")


@pytest.mark.django_db
@pytest.mark.skipif(not SHARED_CSV.exists(), reason="../shared/data is not beside the project")
def test_the_whole_country_imports_with_the_official_counts():
    output = run(SHARED_CSV)
    assert "Created 91599" in output
    counts = {level: Region.objects.filter(level=level).count() for level in Region.Level.values}
    assert counts == {1: 38, 2: 514, 3: 7285, 4: 83762}
    assert "Nothing to change" in run(SHARED_CSV)
