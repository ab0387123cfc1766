"""About three hundred CSR programs of Cilegon's industries for the demo."""

SISTERHOOD = {
    "company": "PT Krakatau Posco",
    "title": "KP Sisterhood Program 2026",
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
    "status": "approved",
    # (priority code, need reference, quantity, amount)
    "pledges": [
        ("RUTILAHU", "RUTILAHU-36.72.04.1002", 10, 200_000_000),
        ("RUTILAHU", "RUTILAHU-36.72.04.1003", 8, 160_000_000),
        ("SAMPAH", "SAMPAH-36.72.04.1002", 1, 150_000_000),
    ],
    "extra_budget": 350_000_000,
}

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
