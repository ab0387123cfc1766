"""What the outage checks share: a free port, `manage.py` in another process, a portal served
by gunicorn from another process, and a signed-in browser that follows no redirect."""

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from tests.utils import free_port

ROOT = Path(__file__).resolve().parents[2]

SECRET_KEY = "outage-check-only-0123456789-0123456789-0123456789-abc"


def portal_env(tmp_path, **extra) -> dict[str, str]:
    """The environment of a production-mode portal on plain HTTP, without this test run's
    DEBUG and database."""
    return {
        **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL", "REDIS_URL")},
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "0",
        "STATIC_ROOT": str(tmp_path / "static"),
        **extra,
    }


@contextmanager
def served(env, *, workers: int = 2):
    """gunicorn serving the portal with `env` at a free port; yields its base URL."""
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "csrportal.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def wait_until_served(browser, path="/static/css/portal.css") -> None:
    for _ in range(60):
        try:
            browser.request(path)
            return
        except OSError:
            time.sleep(0.5)
    raise AssertionError("the portal did not start")


class Browser:
    """A planner's browser: cookies, CSRF tokens, no redirect following."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base: str):
        self.base, self.jar = base, http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), self.NoRedirect
        )

    def request(self, path, data=None) -> tuple[int, dict, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        if data is not None:
            request.add_header("Referer", self.base + path)
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read().decode()

    def form_post(self, path, data, *, page=None) -> tuple[int, dict, str]:
        """POST `data` to `path` with the CSRF token of `page` (default: `path` itself)."""
        status, _headers, html = self.request(page or path)
        if status != 200:
            return status, _headers, html
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        return self.request(path, {**data, "csrfmiddlewaretoken": token})


def manage(env, *args) -> str:
    """`manage.py` in another process with `env`; its output."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout


class Planner(Browser):
    """The demo's planner, reading pages and creating needs in a loop (what an outage must not
    break or lose)."""

    PAGES = ("/programs/", "/plan/needs/", "/healthz")

    def __init__(self, base: str, env: dict):
        super().__init__(base)
        self.env = env
        self.acknowledged: list[str] = []
        self.number = 0
        self._ids: list[str] | None = None

    def sign_in(self, username="planner") -> None:
        wait_until_served(self, "/healthz")
        status, _h, _b = self.form_post(
            "/accounts/login/", {"username": username, "password": "demo12345"}
        )
        assert status == 302, status

    @property
    def ids(self) -> list[str]:
        """The demo's rutilahu priority and Tegal Ratu, as keys."""
        if self._ids is None:
            self._ids = manage(
                self.env,
                "shell",
                "-v0",
                "-c",
                "from planning.models import Priority; from regions.models import Region;"
                "p = Priority.objects.get(code='RUTILAHU');"
                "v = Region.objects.get(code='36.72.04.1002'); print(p.pk, v.pk)",
            ).split()[-2:]
        return self._ids

    def write(self) -> int:
        self.number += 1
        title = f"Kebutuhan uji gangguan {self.number}"
        status, headers, _body = self.form_post(
            "/plan/needs/new/",
            {
                "priority": self.ids[0],
                "village": self.ids[1],
                "title": title,
                "quantity": "3",
                "estimated_unit_cost": "20000000",
                "source": "agency",
            },
        )
        if status == 302 and "/plan/needs/" in headers.get("Location", ""):
            self.acknowledged.append(title)
        return status

    def loop(self, seconds: float, pages=PAGES) -> list[tuple[str, int, str | None]]:
        """(path or "write", status, Retry-After) of every request made for `seconds`."""
        self.ids  # noqa: B018 (read before the clock starts)
        seen, end = [], time.monotonic() + seconds
        while time.monotonic() < end:
            for path in pages:
                status, headers, _body = self.request(path)
                seen.append((path, status, headers.get("Retry-After")))
            seen.append(("write", self.write(), None))
        return seen

    def recovery(self, limit: float) -> float | None:
        """Seconds until the inbox answers 200 again, or None past `limit`."""
        started = time.monotonic()
        while time.monotonic() - started < limit:
            if self.request("/programs/")[0] == 200:
                return time.monotonic() - started
            time.sleep(0.2)
        return None

    def assert_every_write_stored(self) -> None:
        """Every acknowledged need is in the database, each with its audit entry."""
        stored, audited = self.stored_needs()
        assert set(self.acknowledged) <= stored, "an acknowledged write was lost"
        assert stored == audited, "a need without its audit entry: a write was half-done"

    def stored_needs(self) -> tuple[set[str], set[str]]:
        """The test needs stored in the portal's database, and those with their audit entry."""
        script = (
            "from auditlog.models import LogEntry; from planning.models import Need;"
            "import json; t = 'Kebutuhan uji gangguan ';"
            "print(json.dumps([list(Need.objects.filter(title__startswith=t)"
            ".values_list('title', flat=True)), list(LogEntry.objects.filter("
            "object_repr__startswith=t, action=0).values_list('object_repr', flat=True))]))"
        )
        stored, audited = json.loads(manage(self.env, "shell", "-v0", "-c", script).split("\n")[-2])
        return set(stored), set(audited)
