"""get_FOO_display through core.db.ChoiceLabels says what Django's own would, faster."""

import pytest
from django.db import models
from django.utils import translation

from companies.models import Company, CompanyVillage
from delivery.models import Report
from planning.models import Need, Priority
from programs.models import Program, Round


@pytest.mark.parametrize("model", [Company, CompanyVillage, Report, Need, Priority, Program, Round])
@pytest.mark.parametrize("language", ["id", "en"])
def test_every_choice_reads_as_django_would_say_it(model, language):
    with translation.override(language):
        for field in model._meta.concrete_fields:
            for value, _label in field.flatchoices:
                instance = model(**{field.attname: value})
                ours = getattr(instance, f"get_{field.name}_display")()
                assert ours == models.Model._get_FIELD_display(instance, field)
                assert isinstance(ours, str)


def test_a_stored_value_that_is_no_choice_reads_as_itself():
    assert Program(status="archived").get_status_display() == "archived"
    with translation.override("id"):
        assert Program(status="approved").get_status_display() == "Disetujui"
    with translation.override("en"):
        assert Program(status="approved").get_status_display() == "Approved"
