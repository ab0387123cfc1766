"""About three hundred CSR programs of Cilegon's industries for the demo."""

import datetime

SISTERHOOD = {
    "company": "PT Krakatau Posco",
    "title": "KP Sisterhood Program 2026",
    # Agreed after the synchronisation round of 23 December 2025, running through 2026.
    "start": datetime.date(2026, 2, 1),
    "end": datetime.date(2026, 12, 31),
    "steps": [
        ("submitted", datetime.datetime(2026, 1, 8, 10, 15)),
        ("approved", datetime.datetime(2026, 1, 21, 14, 30)),
        ("in_progress", datetime.datetime(2026, 2, 2, 9, 0)),
    ],
    "summary": "Kemitraan Krakatau Posco dengan kelurahan ring 1: kota bersih, energi surya di "
    "taman kota dan rumah layak huni.",
    "description": "Bersama PT Krakatau Posco Energy: aksi bersih kota dengan lebih dari 300 "
    "relawan, 11 unit panel surya di dua taman kota (6 unit di Taman Geger Cilegon "
    "dan 5 unit di Taman Layak Anak), serta bedah rumah tidak layak huni di "
    "Kelurahan Tegal Ratu, Kubangsari dan Samangraya.",
    "pillar": "environment",
    "sdgs": [7, 11, 13],
    "villages": ["36.72.04.1002", "36.72.04.1003", "36.72.08.1006"],
    "beneficiaries": 1200,
    # (priority code, need reference, quantity, amount)
    "pledges": [
        ("RUTILAHU", "RUTILAHU-36.72.04.1002", 10, 200_000_000),
        ("RUTILAHU", "RUTILAHU-36.72.04.1003", 8, 160_000_000),
    ],
    # What the plan's priorities do not count, told as outputs, where they are:
    # (indicator, target, kelurahan code or None, site, latitude, longitude)
    "outputs": [
        ("Unit penerangan tenaga surya", 6, None, "Taman Geger Cilegon", None, None),
        ("Unit penerangan tenaga surya", 5, None, "Taman Layak Anak", None, None),
        ("Relawan aksi bersih kota", 300, None, "", None, None),
    ],
    # (kind, registry company or None, organisation, role)
    "partners": [
        ("company", "PT Krakatau Posco Energy", "", "Penyedia dan pemasangan panel surya"),
        ("village", None, "Pemerintah Kelurahan Tegal Ratu", "Lokasi, data penerima, relawan"),
        ("community", None, "KSM Kubangsari Bersih", "Penggerak aksi bersih kota"),
    ],
    "extra_budget": 500_000_000,
}

# A power plant's business groups in its ring-1 villages, as BPI's 153 KUB with 2,305 members,
# a microfinance institution and village libraries (Batang), told for a Cilegon plant.
BUSINESS_GROUPS = {
    "company": "PT Indo Raya Tenaga",
    "title": "Kelompok Usaha Bersama Desa Ring 1 2026",
    "start": datetime.date(2026, 1, 1),
    "end": datetime.date(2026, 12, 31),
    "steps": [
        ("submitted", datetime.datetime(2025, 12, 29, 9, 30)),
        ("approved", datetime.datetime(2026, 1, 9, 13, 0)),
        ("in_progress", datetime.datetime(2026, 1, 12, 8, 0)),
    ],
    "summary": "Pembentukan dan pendampingan kelompok usaha bersama (KUB), lembaga keuangan "
    "mikro dan taman bacaan di kelurahan ring 1 PLTU.",
    "description": "Disepakati dalam FGD dengan pemangku kepentingan kelurahan ring 1: 153 KUB "
    "dengan 2.305 anggota, satu lembaga keuangan mikro, dan taman bacaan di tiga kelurahan.",
    "pillar": "economy",
    "sdgs": [1, 8, 4],
    "villages": ["36.72.03.1004", "36.72.03.1003", "36.72.03.1001"],
    "beneficiaries": 2305,
    "pledges": [("UMKM", "UMKM-36.72.03.1003", 40, 300_000_000)],
    "outputs": [
        ("Kelompok usaha bersama (KUB)", 153, None, "", None, None),
        ("Anggota kelompok usaha bersama", 2305, None, "", None, None),
        ("Lembaga keuangan mikro", 1, "36.72.03.1004", "Kantor LKM Pesisir Suralaya", None, None),
        ("Taman bacaan masyarakat", 3, None, "", None, None),
    ],
    "partners": [
        ("community", None, "Koperasi LKM Pesisir Suralaya", "Pengelola keuangan mikro"),
        ("village", None, "Pemerintah Kelurahan Suralaya", "Pembinaan dan lokasi KUB"),
        ("ngo", None, "Yayasan Literasi Banten", "Pendamping taman bacaan"),
    ],
    "extra_budget": 900_000_000,
}

# The output indicators administrators keep: (name, unit).
INDICATORS = [
    ("Unit penerangan tenaga surya", "unit"),
    ("Relawan aksi bersih kota", "orang"),
    ("Kelompok usaha bersama (KUB)", "kelompok"),
    ("Anggota kelompok usaha bersama", "orang"),
    ("Lembaga keuangan mikro", "lembaga"),
    ("Taman bacaan masyarakat", "unit"),
    ("Peserta pelatihan", "orang"),
    ("Pohon ditanam", "pohon"),
]

REPORT_NARRATIVES = [
    "Pekerjaan berjalan sesuai jadwal bersama kelurahan dan OPD terkait.",
    "Material diterima dan dipasang; warga penerima manfaat dilibatkan dalam gotong royong.",
    "Kegiatan dipantau bersama pendamping kelurahan; dokumentasi terlampir.",
]
RETURN_COMMENT = "Mohon lengkapi foto sebelum dan sesudah serta daftar penerima manfaat."

# (pillar, priority code, title) templates; {village} is a target kelurahan.
TEMPLATES = [
    ("infrastructure", "RUTILAHU", "Bedah rumah warga Kelurahan {village}"),
    ("infrastructure", "RUTILAHU", "Rumah layak huni untuk lansia {village}"),
    ("education", "RKB", "Pembangunan ruang kelas {school}"),
    ("education", "RKB", "Rehabilitasi ruang kelas rusak {school}"),
    ("health", "STUNTING", "Gerakan cegah stunting posyandu {village}"),
    ("economy", "UMKM", "Inkubasi UMKM naik kelas {village}"),
    ("environment", "SAMPAH", "Bank sampah dan TPS3R {village}"),
    ("infrastructure", "AIRBERSIH", "Sambungan air bersih warga {village}"),
]

# The SDG goals a generated program of each priority names.
SDGS = {
    "RUTILAHU": [1, 11],
    "RKB": [4],
    "STUNTING": [2, 3],
    "UMKM": [8],
    "SAMPAH": [11, 12],
    "AIRBERSIH": [6],
}

# Who carries a generated program out with the company, by priority: (kind, name, role);
# {village} is its kelurahan. Four programs in five have one.
PARTNERS = {
    "RUTILAHU": ("community", "KSM Bedah Rumah {village}", "Pelaksana pembangunan"),
    "RKB": ("government", "Dinas Pendidikan dan Kebudayaan", "Pengawas teknis"),
    "STUNTING": ("community", "Kader Posyandu {village}", "Pendamping keluarga"),
    "UMKM": ("ngo", "Rumah Kreatif BUMN Cilegon", "Pelatih dan pendamping"),
    "SAMPAH": ("community", "Bank Sampah {village}", "Pengelola"),
    "AIRBERSIH": ("village", "Kelurahan {village}", "Pendamping warga"),
}

# Share of each status among the generated programs (out of 20).
STATUS_WEIGHTS = [
    ("draft", 3),
    ("submitted", 4),
    ("revision", 1),
    ("approved", 5),
    ("rejected", 1),
    ("in_progress", 3),
    ("completed", 2),
    ("cancelled", 1),
]
