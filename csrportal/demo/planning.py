"""Kota Cilegon's RPJMD 2025-2029 for the demo: priorities and located needs.

Figures are realistic, not official: rutilahu needs in all 43 kelurahan sum to the target
of 2,100 houses; classroom needs name real-sounding schools.
"""

from ..demo.regions import CILEGON


def demo_iati_reference(code: str) -> str:
    """A demo region's IATI organisation identifier: the IATI Secretariat's prefix and "CONTOH"
    (example) — a real region registers its own (README, "Open data")."""
    return f"XI-IATI-CONTOH-{code.replace('.', '')}"


PLAN = {"title": "RPJMD Kota Cilegon 2025-2029", "first_year": 2025, "last_year": 2029}

# The OECD DAC purpose code each priority's programs are published under (open data), by
# priority code, the demo's other regions' too; a priority without one takes its pillar's.
DAC_SECTORS = {
    "RUTILAHU": "16040",  # low-cost housing
    "RTLH": "16040",
    "RKB": "11120",  # education facilities and training
    "STUNTING": "12240",  # basic nutrition
    "KESEHATAN": "12220",  # basic health care
    "UMKM": "32130",  # small and medium-sized enterprises development
    "KUB": "32130",
    "SAMPAH": "14050",  # waste management and disposal
    "AIRBERSIH": "14030",  # basic drinking water supply and basic sanitation
    "PANGAN": "43072",  # household food security
}

# code, title, pillar, unit, baseline, target, unit cost (Rp), agency, indicator, description
PRIORITIES = [
    (
        "RUTILAHU",
        "Penanganan rumah tidak layak huni",
        "infrastructure",
        "house",
        0,
        2100,
        20_000_000,
        "Dinas Perumahan dan Kawasan Permukiman (Disperkim)",
        "Jumlah rutilahu yang ditangani",
        "Rehabilitasi rumah tidak layak huni milik keluarga berpenghasilan rendah sesuai data Disperkim.",
    ),
    (
        "RKB",
        "Ruang kelas baru dan rehabilitasi ruang kelas rusak",
        "education",
        "classroom",
        0,
        60,
        250_000_000,
        "Dinas Pendidikan dan Kebudayaan",
        "Jumlah ruang kelas yang dibangun atau direhabilitasi",
        "Sekolah dasar dan menengah yang kekurangan ruang kelas atau memiliki ruang kelas rusak berat.",
    ),
    (
        "STUNTING",
        "Percepatan penurunan stunting",
        "health",
        "child",
        0,
        1200,
        1_500_000,
        "Dinas Kesehatan",
        "Jumlah balita berisiko stunting yang mendapat intervensi gizi",
        "Pemberian makanan tambahan dan pendampingan keluarga berisiko stunting melalui posyandu.",
    ),
    (
        "UMKM",
        "Penguatan usaha mikro, kecil dan menengah",
        "economy",
        "business",
        0,
        1000,
        7_500_000,
        "Dinas Koperasi dan UKM",
        "Jumlah UMKM yang dibina dan naik kelas",
        "Pelatihan, pendampingan, sertifikasi halal dan bantuan peralatan usaha.",
    ),
    (
        "SAMPAH",
        "Pengelolaan sampah berbasis masyarakat",
        "environment",
        "facility",
        0,
        43,
        150_000_000,
        "Dinas Lingkungan Hidup",
        "Jumlah bank sampah/TPS3R yang beroperasi",
        "Satu bank sampah atau TPS3R yang aktif di setiap kelurahan.",
    ),
    (
        "AIRBERSIH",
        "Akses air bersih rumah tangga",
        "infrastructure",
        "household",
        0,
        2500,
        3_000_000,
        "Dinas Pekerjaan Umum dan Penataan Ruang",
        "Jumlah sambungan rumah air bersih baru",
        "Sambungan rumah air bersih bagi rumah tangga di wilayah pesisir dan rawan air.",
    ),
]

VILLAGES = [(code, name) for code, name in CILEGON if len(code) == 13]

SCHOOLS = [  # (village code, school, classrooms)
    ("36.72.04.1002", "SDN Tegal Ratu 1", 3),
    ("36.72.04.1003", "SDN Kubangsari 2", 2),
    ("36.72.04.1006", "SDN Randakari", 3),
    ("36.72.08.1006", "SDN Samangraya 1", 2),
    ("36.72.08.1003", "SMPN 5 Cilegon", 4),
    ("36.72.03.1004", "SDN Suralaya 2", 3),
    ("36.72.03.1002", "SMPN 3 Cilegon", 2),
    ("36.72.01.1004", "SDN Cikerai", 2),
    ("36.72.02.1005", "SDN Ciwaduk 1", 3),
    ("36.72.05.1004", "SDN Panggung Rawi", 2),
    ("36.72.06.1004", "SDN Gerem 3", 3),
    ("36.72.07.1006", "SDN Pabean", 2),
    ("36.72.06.1003", "SMPN 8 Cilegon", 3),
    ("36.72.01.1006", "SDN Kalitimbang", 2),
]

# priority code -> (village codes, quantity range) for the smaller priorities.
SPREAD = {
    "STUNTING": ([c for c, _n in VILLAGES[::3]], (20, 60)),
    "UMKM": ([c for c, _n in VILLAGES[1::4]], (30, 70)),
    "SAMPAH": ([c for c, _n in VILLAGES[::2]], (1, 1)),
    "AIRBERSIH": (
        [
            "36.72.03.1001",
            "36.72.03.1002",
            "36.72.03.1003",
            "36.72.03.1004",
            "36.72.04.1005",
            "36.72.04.1006",
            "36.72.06.1004",
            "36.72.07.1006",
        ],
        (100, 300),
    ),
}

TITLES = {
    "RUTILAHU": "Rehabilitasi rutilahu Kelurahan {village}",
    "STUNTING": "Makanan tambahan balita berisiko stunting, posyandu Kelurahan {village}",
    "UMKM": "Pendampingan UMKM Kelurahan {village}",
    "SAMPAH": "Bank sampah Kelurahan {village}",
    "AIRBERSIH": "Sambungan rumah air bersih Kelurahan {village}",
}
