import threading

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


def admin_form_data(response, **changes) -> dict:
    """What a browser would post back from an admin change page, with `changes` applied:
    the main form and every inline formset with its management form."""
    data: dict = {}
    _bound_data(response.context["adminform"].form, data)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        _bound_data(formset.management_form, data)
        for form in formset.forms:
            _bound_data(form, data)
    data.update(changes)
    return data


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
