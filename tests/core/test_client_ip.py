"""The real client address behind PROXY_COUNT trusted proxies, for lockouts and the audit."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from core.http import client_ip
from tests.factories import UserFactory

PROXY = "172.18.0.2"


def request(remote=PROXY, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


@pytest.mark.parametrize(
    ("count", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.9", None, "203.0.113.9"),
        (0, "203.0.113.9", "6.6.6.6", "203.0.113.9"),  # no proxy: the header is ignored
        (1, PROXY, "203.0.113.9", "203.0.113.9"),
        (1, PROXY, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # forged entry stands left
        (1, PROXY, "garbage, 10.20.30.40", "10.20.30.40"),  # intranet clients too
        (1, PROXY, "", PROXY),  # did not come through the proxy
        (1, PROXY, "not-an-address", PROXY),
        (2, PROXY, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, PROXY, "203.0.113.9", PROXY),  # too few addresses for two proxies
        (1, PROXY, "2001:db8::1", "2001:db8::1"),
        (0, "", None, None),
    ],
)
def test_the_client_is_the_address_the_outermost_trusted_proxy_saw(
    settings, count, remote, forwarded, expected
):
    settings.PROXY_COUNT = count
    assert client_ip(request(remote, forwarded)) == expected


def fail_login(client, forwarded):
    return client.post(
        reverse("login"),
        {"username": "budi", "password": "wrong"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.mark.django_db
def test_a_forged_header_does_not_escape_a_lockout_behind_the_proxy(client, settings):
    settings.PROXY_COUNT = 1
    UserFactory(username="budi")
    for attempt in range(5):
        fail_login(client, f"10.9.9.{attempt}, 203.0.113.9")  # a new forged address each time
    response = fail_login(client, "1.1.1.1, 203.0.113.9")
    assert response.status_code == 429


@pytest.mark.django_db
def test_one_attacker_behind_the_proxy_does_not_lock_out_everyone(client, settings):
    settings.PROXY_COUNT = 1
    UserFactory(username="budi")
    for _ in range(5):
        fail_login(client, "203.0.113.9")
    response = client.post(
        reverse("login"),
        {"username": "budi", "password": "correct-horse-battery"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.7",  # the real user, another address
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_without_a_proxy_the_header_cannot_spread_attempts_over_addresses(client, settings):
    settings.PROXY_COUNT = 0
    UserFactory(username="budi")
    for attempt in range(5):
        client.post(
            reverse("login"),
            {"username": "budi", "password": "wrong"},
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_FORWARDED_FOR=f"10.9.9.{attempt}",
        )
    response = client.post(
        reverse("login"), {"username": "budi", "password": "wrong"}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 429


def test_the_documented_deployment_trusts_its_two_proxies_and_nothing_else():
    """docker-compose.yml: the host's TLS proxy, then the load balancer (deploy/nginx.conf),
    each appending the client's address; only the load balancer publishes a port."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    compose = (root / "docker-compose.yml").read_text()
    assert 'PROXY_COUNT: "2"' in compose
    assert compose.count("ports:") == 1 and '"127.0.0.1:8000:8080"' in compose
    nginx = (root / "deploy" / "nginx.conf").read_text()
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in nginx
