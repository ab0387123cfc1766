"""The interface speaks Indonesian by default: no English word, no "None" leaks into a page."""

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise

from tests.factories import NeedFactory

PROJECT_APPS = ["accounts", "regions", "companies", "planning", "programs"]
# Words that would show the page speaks English somewhere; whole words, any case.
ENGLISH = re.compile(
    r"\b(the|and|of|descending|ascending|village|villages|none|unknown|please|"
    r"select|choose|submit|save|required|field|this)\b",
    re.IGNORECASE,
)


class VisibleText(HTMLParser):
    """The text a reader sees or hears: text nodes, labels, titles, alt and placeholders."""

    SILENT = {"script", "style"}

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SILENT:
            self._skip += 1
        for name, value in attrs:
            if name in ("aria-label", "title", "alt", "placeholder") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in self.SILENT:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def leaks(html: str) -> list[str]:
    return sorted({match.group(0) for match in ENGLISH.finditer(visible(html))})


def project_fields():
    for app in PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.get_fields():
                if field.auto_created or getattr(field, "primary_key", False):
                    continue
                yield model, field


# Labels that Indonesian writes as English does (or that are Indonesian in both).
SAME_IN_BOTH = {
    "NIB",
    "status",
    "email",
    "program",
    "slug",
    "ring",
    "target",
    "kelurahan",
    "kelurahan/desa",
    "NIK",
    "NPSN",
    "RT",
    "RW",
}


def test_every_model_field_has_a_translated_verbose_name():
    untranslated = []
    for model, field in project_fields():
        name = field.verbose_name
        with translation.override("en"):
            english = str(name)
        with translation.override("id"):
            indonesian = str(name)
        if not isinstance(name, Promise) or (english == indonesian and english not in SAME_IN_BOTH):
            untranslated.append(f"{model.__name__}.{field.name}: {english}")
    assert untranslated == []


@pytest.fixture
def pages(planner, program_a, tegal_ratu_need, company_a, officer_a):
    NeedFactory(priority=tegal_ratu_need.priority, description="")
    return [
        (planner, reverse("programs:list") + "?order=-budget"),
        (planner, reverse("planning:need_list") + "?gap=true&order=-gap"),
        (planner, reverse("planning:need_detail", args=[tegal_ratu_need.pk])),
        (planner, reverse("planning:priority_list")),
        (planner, reverse("planning:need_history", args=[tegal_ratu_need.pk])),
        (officer_a, program_a.get_absolute_url()),
        (officer_a, reverse("programs:update", args=[program_a.pk])),
        (officer_a, reverse("programs:history", args=[program_a.pk])),
        (officer_a, reverse("companies:edit", args=[company_a.slug])),
        (officer_a, reverse("companies:list")),
        (planner, reverse("home")),
    ]


def test_no_english_and_no_none_on_the_main_pages(client_for, pages):
    found = {}
    for user, url in pages:
        response = client_for(user).get(url)
        assert response.status_code == 200, url
        if words := leaks(response.content.decode()):
            found[url] = words
    assert found == {}


def test_an_empty_draft_shows_dashes_never_none(officer_client, company_a, plan):
    from programs.models import Program

    draft = Program.objects.create(company=company_a, plan=plan, title="Judul saja")
    html = officer_client.get(draft.get_absolute_url()).content.decode()
    assert "None" not in visible(html)


def test_a_duplicate_ring_village_is_named_in_indonesian(officer_client, company_a, village):
    url = reverse("companies:edit", args=[company_a.slug])
    ring = company_a.operating_villages.get()
    data = {
        "legal_name": company_a.legal_name,
        "operating_villages-TOTAL_FORMS": "2",
        "operating_villages-INITIAL_FORMS": "1",
        "operating_villages-0-id": ring.pk,
        "operating_villages-0-village": village.pk,
        "operating_villages-0-ring": "1",
        "operating_villages-1-village": village.pk,
        "operating_villages-1-ring": "2",
    }
    response = officer_client.post(url, data)
    assert response.status_code == 200
    errors = " ".join(response.context["formset"].non_form_errors())
    assert "Tegal Ratu" in errors and "village" not in errors
    assert leaks(response.content.decode()) == []
