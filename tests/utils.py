import os
import shutil
import signal
import socket
import subprocess
import threading
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_for(client, url) -> int:
    """How many SQL queries one GET of `url` runs (asserting it answers 200), cold: cached
    fragments are dropped first, so every measurement is the worst case."""
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


postgres_only = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="PostgreSQL-only behaviour (run with DATABASE_URL=postgres://...)",
)


def _bound_data(form, data: dict) -> None:
    for name in form.fields:
        field = form[name]
        value = field.value()
        if value is None or value is False:
            continue
        if value is True:
            data[field.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[field.html_name] = [str(v) for v in value]
        else:
            data[field.html_name] = str(value)


def _forms_data(forms, changes: dict) -> dict:
    data: dict = {}
    for form in forms:
        if hasattr(form, "management_form"):  # a formset and its lines
            _bound_data(form.management_form, data)
            for line in form.forms:
                _bound_data(line, data)
        else:
            _bound_data(form, data)
    data.update(changes)
    return data


def admin_form_data(response, **changes) -> dict:
    """What a browser would post back from an admin change page, with `changes` applied:
    the main form and every inline formset with its management form."""
    inlines = [inline.formset for inline in response.context["inline_admin_formsets"]]
    return _forms_data([response.context["adminform"].form, *inlines], changes)


def page_form_data(response, *names, **changes) -> dict:
    """What a browser would post back from a portal page's forms and formsets (the context
    variables `names`, default "form"), with `changes` applied."""
    return _forms_data([response.context[name] for name in names or ["form"]], changes)


# The program form's other formsets, with no line: every browser posts their management forms.
NO_OUTPUTS_NOR_PARTNERS = {
    "outputs-TOTAL_FORMS": "0",
    "outputs-INITIAL_FORMS": "0",
    "partners-TOTAL_FORMS": "0",
    "partners-INITIAL_FORMS": "0",
}


def at_once(*actions) -> list:
    """Run each action on a thread (and database connection) of its own, released together,
    as requests of several people arriving at the same moment: each one's result, or the
    exception it raised, in order."""
    barrier, outcomes = threading.Barrier(len(actions)), [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            outcomes[index] = action()
        except Exception as e:  # the caller asserts on it
            outcomes[index] = e
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """A Redis server of the test's own (a free port), to stop, hang and start again: never
    the machine's shared one. It keeps nothing on disk, or, given a folder, keeps its data
    across a restart (append-only, as docker-compose.yml runs it)."""

    def __init__(self, binary: str, folder=None):
        self.binary, self.port, self.process = binary, free_port(), None
        self.folder = folder

    @classmethod
    def or_skip(cls, folder=None) -> "PrivateRedis":
        binary = shutil.which("redis-server")
        if binary is None or shutil.which("redis-cli") is None:
            if os.environ.get("CI"):
                pytest.fail("redis-server is not installed")
            pytest.skip("redis-server is not installed")
        return cls(binary, folder)

    def start(self):
        self.process = subprocess.Popen(
            [
                self.binary,
                *("--port", str(self.port), "--bind", "127.0.0.1", "--save", ""),
                *("--daemonize", "no", "--loglevel", "warning"),
                *(
                    ("--appendonly", "yes", "--dir", str(self.folder))
                    if self.folder
                    else ("--appendonly", "no")
                ),
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(50):
            probe = subprocess.run(
                ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True
            )
            if probe.stdout.strip() == "PONG":
                return
            time.sleep(0.1)
        raise AssertionError("redis-server did not start")

    def stop(self):
        if self.process is not None:
            self.process.send_signal(signal.SIGCONT)  # a hung server stops too
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def hang(self):
        """The server accepts connections and answers nothing (a hung host)."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        self.process.send_signal(signal.SIGCONT)

    def keys(self) -> int:
        answer = subprocess.run(
            ["redis-cli", "-p", str(self.port), "-n", "1", "dbsize"], capture_output=True, text=True
        )
        return int(answer.stdout.strip())

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"


def loaded_version(client, url) -> dict[str, str]:
    """The hidden version an edit page's form carries (core.concurrency), as its browser
    posts it back."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    form = response.context["form"]
    return {form["loaded_version"].html_name: form["loaded_version"].value()}
