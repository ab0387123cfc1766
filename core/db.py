"""Database helpers shared by the apps' models and migrations."""

from django.db import migrations
from django.db.models import IntegerField, Subquery
from django.utils.encoding import force_str


def postgresql_only(forward: list[str], backward: list[str]) -> migrations.RunPython:
    """A migration step that runs raw SQL on PostgreSQL and nothing on SQLite, where the
    development database relies on validation instead."""

    def run(statements):
        def apply(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                for statement in statements:
                    schema_editor.execute(statement)

        return apply

    return migrations.RunPython(run(forward), run(backward), elidable=False)


def model_columns(model, names) -> list[str]:
    """`model`'s own columns among `names` (a form's fields or its changed data): the
    `update_fields` of a save that writes what the form edits and nothing read before it."""
    names = set(names)
    return [f.name for f in model._meta.concrete_fields if f.name in names and not f.primary_key]


def stamp_columns(model) -> list[str]:
    """The columns every save stamps (auto_now), to add to `update_fields`."""
    return [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]


class ChoiceLabels:
    """A model mixin: `get_FOO_display()` from a label table built once per field. Django's
    own rebuilds a hashable copy of the field's choices on every call, which was a quarter of
    the rendering time of a page listing a hundred needs and programs (each showing a unit and
    a status). Same result: the translated label, or the stored value when it is no choice."""

    def _get_FIELD_display(self, field):
        labels = field.__dict__.get("choice_labels")
        if labels is None:
            labels = field.choice_labels = dict(field.flatchoices)
        value = getattr(self, field.attname)
        return force_str(labels.get(value, value), strings_only=True)


class _Count(Subquery):
    template = "(SELECT COUNT(*) FROM (%(subquery)s) _counted)"
    output_field = IntegerField()


def counted(queryset) -> Subquery:
    """The number of `queryset`'s rows (correlated to the outer row by OuterRef) as an
    annotation: one subquery per row, never a join that multiplies two counts' rows."""
    return _Count(queryset.order_by().values("pk"))
