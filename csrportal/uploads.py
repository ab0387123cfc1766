import uuid
from pathlib import Path


def random_upload_name(folder: str, filename: str) -> str:
    """A stored name that reveals nothing and cannot be guessed; the original name is kept in
    the model. Only the (lower-cased, short) extension survives."""
    return f"{folder}/{uuid.uuid4().hex}{Path(filename).suffix.lower()[:10]}"
