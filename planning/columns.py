"""The needs import's columns: the template's headers and the others planners write for them."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.spreadsheets import cell_text, header_key

MAX_ROWS = 20_000

# (field, header in the template, other accepted headers). Headers are compared by `core.spreadsheets.header_key`:
# without case, accents, punctuation, or anything in parentheses, so "Biaya satuan (Rp)",
# "BIAYA_SATUAN" and "biaya satuan" are one header.
COLUMNS = [
    (
        "priority",
        gettext_lazy("Priority code"),
        ["kode prioritas", "prioritas", "program prioritas", "priority code", "priority"],
    ),
    (
        "village",
        gettext_lazy("Kelurahan code or name"),
        [
            "kode atau nama kelurahan",
            "kode nama kelurahan",
            "kode kelurahan",
            "nama kelurahan",
            "kelurahan",
            "desa",
            "kelurahan desa",
            "kode nama kelurahan desa",
            # A regency's villages are mostly desa: its headers say so.
            "kode atau nama desa",
            "kode nama desa",
            "kode desa",
            "nama desa",
            "desa kelurahan",
            "kode desa kelurahan",
            "kode kelurahan desa",
            "kode nama desa kelurahan",
            "lokasi",
            "lokasi kelurahan",
            "lokasi desa",
            "village",
            "village code or name",
        ],
    ),
    (
        "title",
        gettext_lazy("Title"),
        ["judul", "nama kebutuhan", "uraian kebutuhan", "kebutuhan", "uraian", "title"],
    ),
    ("quantity", gettext_lazy("Quantity"), ["jumlah", "jml", "volume", "vol", "quantity"]),
    (
        "unit_cost",
        gettext_lazy("Unit cost (Rp)"),
        [
            "biaya satuan",
            "harga satuan",
            "biaya per unit",
            "satuan biaya",
            "nilai satuan",
            "unit cost",
        ],
    ),
    ("source", gettext_lazy("Source"), ["sumber", "sumber data", "asal usulan", "source"]),
    (
        "external_ref",
        gettext_lazy("External reference"),
        ["referensi", "no referensi", "nomor referensi", "kode usulan", "reference", "ref"],
    ),
    (
        "description",
        gettext_lazy("Description"),
        ["keterangan", "ket", "deskripsi", "catatan", "description"],
    ),
]
REQUIRED = {"priority", "village", "title", "quantity", "unit_cost"}


class ImportFileError(Exception):
    """The file as a whole cannot be imported: no header, a required column missing, no rows."""


def map_headers(
    header: list, columns: list = COLUMNS, required: set = REQUIRED
) -> tuple[dict[str, int], list[str]]:
    """Where each field of `columns` stands, and the headers no field takes (ignored, and
    said so)."""
    accepted = {}
    for name, template_header, aliases in columns:
        for alias in [template_header, *aliases]:
            accepted[header_key(alias)] = name
    positions: dict[str, int] = {}
    ignored = []
    for index, cell in enumerate(header):
        name = accepted.get(header_key(cell))
        if name and name not in positions:
            positions[name] = index
        elif cell_text(cell):
            ignored.append(cell_text(cell)[:60])
    missing = [str(h) for n, h, _a in columns if n in required and n not in positions]
    if missing:
        raise ImportFileError(
            _("The first row must name the columns; missing: %(columns)s. Use the template.")
            % {"columns": ", ".join(missing)}
        )
    return positions, ignored
