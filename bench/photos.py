"""Benchmark: what a photo upload costs the worker that decodes it (core.images): seconds and
peak memory (the process's maximum resident size) to check and re-encode one photo, from a
phone's 12-megapixel JPEG to a 59-megapixel PNG (refused: past the 40-megapixel limit).

Each photo is made here (smooth gradients: megapixels that compress to a few MB, as an
attacker's or a scanner's file would, under the 10 MB upload limit) and handled in a process of its own, so that one
case's peak does not hide another's:
    make bench-photos
"""

import io
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = [
    ("phone JPEG, 12 MP (4000 x 3000)", "JPEG", (4000, 3000)),
    ("camera JPEG, 39 MP (7200 x 5400)", "JPEG", (7200, 5400)),
    ("PNG, 24 MP (6000 x 4000)", "PNG", (6000, 4000)),
    ("PNG, 39 MP (7200 x 5400)", "PNG", (7200, 5400)),
    ("PNG with transparency, 39 MP", "PNGA", (7200, 5400)),
    ("PNG, 59 MP (8900 x 6600): refused", "PNG", (8900, 6600)),
]


def make(fmt: str, size: tuple[int, int]) -> bytes:
    from PIL import Image

    gradient = Image.linear_gradient("L").resize(size)
    image = Image.merge(
        "RGB",
        (
            gradient,
            gradient.transpose(Image.Transpose.ROTATE_90).resize(size),
            gradient.transpose(Image.Transpose.ROTATE_180),
        ),
    )
    if fmt == "PNGA":
        image, fmt = Image.merge("RGBA", (*image.split(), gradient)), "PNG"
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, quality=90)
    return buffer.getvalue()


def resident_peak_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from
    the parent across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one(path: str) -> dict:
    """In a fresh process: re-encode the photo at `path`; seconds and peak resident MB."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csrportal.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.images import reencode_photo

    upload = SimpleUploadedFile("photo", Path(path).read_bytes())
    before = resident_peak_mb()
    started = time.perf_counter()
    try:
        reencode_photo(upload)
        outcome = "accepted"
    except ValidationError as e:
        outcome = f"refused: {e.messages[0]}"
    seconds = time.perf_counter() - started
    peak = resident_peak_mb()
    return {"seconds": seconds, "peak_mb": peak, "added_mb": peak - before, "outcome": outcome}


def main() -> None:
    import tempfile

    print("| photo | file | seconds | peak memory (process) | outcome |")
    print("|---|---:|---:|---:|---|")
    with tempfile.TemporaryDirectory() as folder:
        for label, fmt, size in CASES:
            path = Path(folder) / f"photo.{fmt.lower()[:3]}"
            path.write_bytes(make(fmt, size))
            result = json.loads(
                subprocess.run(
                    [sys.executable, __file__, "--one", str(path)],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
            )
            print(
                f"| {label} | {path.stat().st_size / 2**20:.1f} MB | {result['seconds']:.2f} "
                f"| {result['peak_mb']:.0f} MB (+{result['added_mb']:.0f}) | {result['outcome']} |"
            )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(one(sys.argv[2])))
    else:
        main()
