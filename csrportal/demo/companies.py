"""About a hundred industries of Kota Cilegon, by sector, for the demo.

Each entry: (name, sector, parent group name or None, ring-1 village codes). Ring 2 and 3
villages are the neighbours of the ring-1 villages, chosen by seed_demo.
"""

# Kecamatan whose kelurahan border the industrial estates, with their codes.
CIWANDAN = [
    "36.72.04.1001",
    "36.72.04.1002",
    "36.72.04.1003",
    "36.72.04.1004",
    "36.72.04.1005",
    "36.72.04.1006",
]
CITANGKIL = [
    "36.72.08.1001",
    "36.72.08.1002",
    "36.72.08.1003",
    "36.72.08.1004",
    "36.72.08.1005",
    "36.72.08.1006",
    "36.72.08.1007",
]
PULOMERAK = ["36.72.03.1001", "36.72.03.1002", "36.72.03.1003", "36.72.03.1004"]
GEROGOL = ["36.72.06.1001", "36.72.06.1002", "36.72.06.1003", "36.72.06.1004"]

KS = "PT Krakatau Steel (Persero) Tbk"
CAP = "PT Chandra Asri Pacific Tbk"
PELINDO = "PT Pelabuhan Indonesia (Persero)"

COMPANIES = [
    # Metal and steel
    (KS, "metal_steel", None, ["36.72.04.1002", "36.72.04.1003", "36.72.08.1005"]),
    ("PT Krakatau Posco", "metal_steel", KS, ["36.72.04.1002", "36.72.04.1003", "36.72.08.1006"]),
    ("PT Krakatau Osaka Steel", "metal_steel", KS, ["36.72.04.1003"]),
    ("PT Krakatau Nippon Steel Synergy", "metal_steel", KS, ["36.72.04.1004"]),
    ("PT Krakatau Wajatama", "metal_steel", KS, ["36.72.04.1002"]),
    ("PT Krakatau Pipe Industries", "metal_steel", KS, ["36.72.04.1001"]),
    ("PT Krakatau Baja Konstruksi", "metal_steel", KS, ["36.72.08.1005"]),
    ("PT Krakatau Semen Indonesia", "metal_steel", KS, ["36.72.04.1004"]),
    ("PT Lautan Baja Indonesia", "metal_steel", None, ["36.72.04.1005"]),
    ("PT Cigading Habeam Centre", "metal_steel", None, ["36.72.04.1006"]),
    ("PT Baja Mulia Cilegon", "metal_steel", None, ["36.72.08.1007"]),
    ("PT Profil Baja Nusantara", "metal_steel", None, ["36.72.04.1001"]),
    ("PT Gading Logam Perkasa", "metal_steel", None, ["36.72.04.1006"]),
    ("PT Sinar Galvanis Banten", "metal_steel", None, ["36.72.08.1002"]),
    ("PT Kawat Baja Serang Raya", "metal_steel", None, ["36.72.08.1003"]),
    # Petrochemicals and chemicals
    (CAP, "petrochemicals", None, ["36.72.04.1005", "36.72.04.1006"]),
    ("PT Styrindo Mono Indonesia", "petrochemicals", CAP, ["36.72.03.1003"]),
    ("PT Petrokimia Butadiene Indonesia", "petrochemicals", CAP, ["36.72.04.1006"]),
    ("PT Synthetic Rubber Indonesia", "petrochemicals", CAP, ["36.72.04.1005"]),
    ("PT Lotte Chemical Titan Nusantara", "petrochemicals", None, ["36.72.06.1004"]),
    ("PT Lotte Chemical Indonesia", "petrochemicals", None, ["36.72.06.1004", "36.72.03.1003"]),
    ("PT Asahimas Chemical", "petrochemicals", None, ["36.72.06.1004", "36.72.06.1003"]),
    ("PT Sulfindo Adiusaha", "petrochemicals", None, ["36.72.06.1004"]),
    ("PT Dow Indonesia", "petrochemicals", None, ["36.72.06.1003"]),
    ("PT Cabot Indonesia", "petrochemicals", None, ["36.72.06.1001"]),
    ("PT Mitsubishi Chemical Indonesia", "petrochemicals", None, ["36.72.03.1003"]),
    ("PT Nippon Shokubai Indonesia", "petrochemicals", None, ["36.72.04.1005"]),
    ("PT Polychem Indonesia Tbk", "petrochemicals", None, ["36.72.03.1002"]),
    ("PT Showa Esterindo Indonesia", "petrochemicals", None, ["36.72.04.1004"]),
    ("PT Trinseo Materials Indonesia", "petrochemicals", None, ["36.72.03.1003"]),
    ("PT Air Liquide Indonesia", "petrochemicals", None, ["36.72.04.1004"]),
    ("PT Samator Gas Industri", "petrochemicals", None, ["36.72.06.1002"]),
    ("PT Linde Indonesia", "petrochemicals", None, ["36.72.04.1006"]),
    ("PT Siam Maspion Polymers", "petrochemicals", None, ["36.72.06.1004"]),
    ("PT Arbe Styrindo", "petrochemicals", None, ["36.72.03.1002"]),
    ("PT Kaltim Methanol Cilegon", "petrochemicals", None, ["36.72.04.1001"]),
    ("PT Resin Prima Nusantara", "petrochemicals", None, ["36.72.06.1001"]),
    ("PT Soda Kaustik Indonesia", "petrochemicals", None, ["36.72.06.1003"]),
    ("PT Banten Oleokimia", "petrochemicals", None, ["36.72.03.1001"]),
    ("PT Pupuk Anorganik Merak", "petrochemicals", None, ["36.72.03.1001"]),
    # Energy and utilities
    (
        "PT Krakatau Posco Energy",
        "energy_utilities",
        "PT Krakatau Posco",
        ["36.72.04.1003", "36.72.08.1006"],
    ),
    ("PT Krakatau Daya Listrik", "energy_utilities", KS, ["36.72.04.1002"]),
    ("PT Krakatau Tirta Industri", "energy_utilities", KS, ["36.72.04.1004", "36.72.01.1004"]),
    (
        "PT PLN Indonesia Power UBP Suralaya",
        "energy_utilities",
        None,
        ["36.72.03.1004", "36.72.03.1001"],
    ),
    ("PT Indo Raya Tenaga", "energy_utilities", None, ["36.72.03.1004"]),
    ("PT Perusahaan Gas Negara Tbk Area Banten", "energy_utilities", None, ["36.72.02.1002"]),
    (
        "PT Pertamina Patra Niaga Integrated Terminal Tanjung Gerem",
        "energy_utilities",
        None,
        ["36.72.06.1004"],
    ),
    ("PT Cahaya Surya Banten", "energy_utilities", None, ["36.72.01.1002"]),
    ("PT Energi Hijau Cilegon", "energy_utilities", None, ["36.72.07.1006"]),
    ("PT Air Bersih Ciwandan", "energy_utilities", None, ["36.72.04.1006"]),
    # Ports
    (PELINDO, "ports", None, ["36.72.03.1002"]),
    ("PT Pelindo Multi Terminal Banten", "ports", PELINDO, ["36.72.04.1006"]),
    ("PT Krakatau Bandar Samudera", "ports", KS, ["36.72.04.1006", "36.72.04.1005"]),
    (
        "PT ASDP Indonesia Ferry (Persero) Cabang Merak",
        "ports",
        None,
        ["36.72.03.1003", "36.72.03.1002"],
    ),
    ("PT Terminal Curah Cigading", "ports", None, ["36.72.04.1006"]),
    ("PT Dermaga Merak Mas", "ports", None, ["36.72.03.1002"]),
    ("PT Pelabuhan Samudera Kepuh", "ports", None, ["36.72.04.1005"]),
    ("PT Terminal Kimia Gerem", "ports", None, ["36.72.06.1004"]),
    ("PT Tambat Labuh Banten", "ports", None, ["36.72.03.1001"]),
    ("PT Jasa Pandu Selat Sunda", "ports", None, ["36.72.03.1004"]),
    # Logistics
    ("PT Samudera Indonesia Logistik Cilegon", "logistics", None, ["36.72.08.1001"]),
    ("PT Kamadjaja Logistics Cilegon", "logistics", None, ["36.72.08.1004"]),
    ("PT Krakatau Logistik Nusantara", "logistics", KS, ["36.72.08.1005"]),
    ("PT Armada Curah Banten", "logistics", None, ["36.72.06.1002"]),
    ("PT Truk Kimia Aman", "logistics", None, ["36.72.06.1003"]),
    ("PT Gudang Berikat Cilegon", "logistics", None, ["36.72.08.1002"]),
    ("PT Ekspedisi Merak Jaya", "logistics", None, ["36.72.03.1003"]),
    ("PT Depo Kontainer Ciwandan", "logistics", None, ["36.72.04.1001"]),
    ("PT Transportasi Gas Banten", "logistics", None, ["36.72.02.1005"]),
    ("PT Rantai Pasok Selat Sunda", "logistics", None, ["36.72.07.1003"]),
    # Food
    ("PT Bungasari Flour Mills Indonesia", "food", None, ["36.72.04.1005"]),
    ("PT Sriboga Flour Mill Cilegon", "food", None, ["36.72.04.1004"]),
    ("PT Wilmar Nabati Cilegon", "food", None, ["36.72.03.1001"]),
    ("PT Gula Rafinasi Banten", "food", None, ["36.72.04.1006"]),
    ("PT Pakan Ternak Nusantara", "food", None, ["36.72.08.1003"]),
    ("PT Garam Industri Merak", "food", None, ["36.72.03.1004"]),
    ("PT Minyak Nabati Selat Sunda", "food", None, ["36.72.03.1002"]),
    ("PT Tepung Tapioka Cibeber", "food", None, ["36.72.01.1004"]),
    ("PT Roti Emping Cilegon", "food", None, ["36.72.05.1004"]),
    ("PT Olahan Ikan Pulomerak", "food", None, ["36.72.03.1003"]),
    # Engineering
    ("PT Krakatau Engineering", "engineering", KS, ["36.72.08.1006"]),
    ("PT Inti Karya Persada Tehnik", "engineering", None, ["36.72.05.1001"]),
    ("PT Rekayasa Konstruksi Banten", "engineering", None, ["36.72.02.1001"]),
    ("PT Fabrikasi Baja Ciwandan", "engineering", None, ["36.72.04.1001"]),
    ("PT Teknik Pipa Nusantara", "engineering", None, ["36.72.06.1002"]),
    ("PT Pemeliharaan Pabrik Cilegon", "engineering", None, ["36.72.08.1007"]),
    ("PT Inspeksi Teknik Selat Sunda", "engineering", None, ["36.72.07.1004"]),
    ("PT Kontraktor Listrik Banten", "engineering", None, ["36.72.02.1003"]),
    # Services
    ("PT Krakatau Sarana Properti", "services", KS, ["36.72.08.1004", "36.72.08.1006"]),
    ("PT Krakatau Medika", "services", KS, ["36.72.05.1002"]),
    ("PT Krakatau Jasa Industri", "services", KS, ["36.72.08.1007"]),
    ("PT Hotel Kawasan Industri Cilegon", "services", None, ["36.72.05.1003"]),
    ("PT Jasa Kebersihan Industri Banten", "services", None, ["36.72.07.1002"]),
    ("PT Keamanan Kawasan Ciwandan", "services", None, ["36.72.04.1003"]),
    ("PT Laboratorium Lingkungan Cilegon", "services", None, ["36.72.02.1004"]),
    ("PT Pengelola Limbah B3 Banten", "services", None, ["36.72.04.1006"]),
    ("PT Katering Pekerja Cilegon", "services", None, ["36.72.05.1005"]),
    # Information technology
    ("PT Krakatau Information Technology", "it", KS, ["36.72.05.1001"]),
    ("PT Telkom Indonesia Witel Banten", "it", None, ["36.72.02.1001"]),
    ("PT Data Industri Cilegon", "it", None, ["36.72.07.1001"]),
    ("PT Sistem Otomasi Pabrik", "it", None, ["36.72.01.1001"]),
]

# The city's four industrial belts: a company's ring 2 and 3 come from its ring-1 belt.
BELTS = [CIWANDAN, CITANGKIL, PULOMERAK, GEROGOL]
