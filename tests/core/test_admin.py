import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

MODELS = [model for model in admin.site._registry if model._meta.app_label != "axes"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("seed_demo")
    yield
    with django_db_blocker.unblock():
        call_command("flush", "--no-input")


@pytest.mark.slow
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_every_admin_page_opens_for_an_operator(demo, staff_client, model):
    opts = model._meta
    changelist = staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    first = model.objects.order_by("pk").first()
    if first is not None:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
        assert staff_client.get(url).status_code == 200
