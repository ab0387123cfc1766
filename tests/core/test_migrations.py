"""Migrations are append-only: a committed migration file is never edited (a database migrated
before the edit would silently lack what it adds; `makemigrations --check` cannot see it).
Change the schema with a new migration. The edits made before this rule (in November 2026,
before any deployment) are listed; a database migrated between them is mended by
core 0003."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

# (file, commit) of the edits made before the rule.
EDITED_BEFORE_THE_RULE = {
    ("companies/migrations/0001_initial.py", "529b61c"),
    ("core/migrations/0001_initial.py", "c2d613b"),
    ("planning/migrations/0001_initial.py", "3362756"),
    ("programs/migrations/0001_initial.py", "64ca8bd"),
    ("programs/migrations/0001_initial.py", "529b61c"),
    ("programs/migrations/0002_postgresql_only.py", "ffea3c8"),
    ("programs/migrations/0002_postgresql_only.py", "8c616f1"),
    ("programs/migrations/0007_rounds.py", "855770c"),
}


def git(*args) -> str:
    return subprocess.run(
        ["git", *args], cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def history():
    if shutil.which("git") is None or not (Path(settings.BASE_DIR) / ".git").exists():
        pytest.skip("not a git checkout")
    if git("rev-parse", "--is-shallow-repository").strip() == "true":
        pytest.skip("a shallow clone has no history to read")


def test_no_committed_migration_was_edited(history):
    files = git("ls-files", "*/migrations/0*.py").split()
    assert files, "no migration found"
    edits = {
        (name, commit)
        for name in files
        for commit in git("log", "--diff-filter=M", "--format=%h", "--abbrev=7", "--", name).split()
    }
    assert edits - EDITED_BEFORE_THE_RULE == set(), "add a new migration instead"


def test_no_committed_migration_is_being_edited(history):
    changed = git("diff", "--name-only", "HEAD", "--", "*/migrations/0*.py").split()
    assert changed == [], "add a new migration instead"
