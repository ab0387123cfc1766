"""object_url() gives what reverse() gives, without walking the URL configuration each time."""

import pytest
from django.urls import reverse, set_script_prefix

from core.links import object_url


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("programs:detail", 12),
        ("planning:need_detail", 1_000_007),
        ("delivery:detail", 3),
        ("programs:round_detail", 2),
        ("companies:detail", "pt-krakatau-posco"),
        ("regions:detail", "36.72.04.1002"),
        ("companies:detail", "kimia_farma-2"),
    ],
)
@pytest.mark.parametrize("prefix", ["/", "/portal/"])
def test_the_same_link_as_reverse(name, key, prefix):
    set_script_prefix(prefix)
    try:
        assert object_url(name, key) == reverse(name, args=[key])
        assert object_url(name, key).startswith(prefix)
    finally:
        set_script_prefix("/")


def test_a_key_that_needs_quoting_goes_through_reverse():
    assert object_url("regions:detail", "a b&c") == reverse("regions:detail", args=["a b&c"])
    assert object_url("regions:detail", "a b&c") == "/regions/a%20b&c/"
