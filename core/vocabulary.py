"""Short lists administrators keep as data (companies' sectors, the units needs are counted in):
a code that rows refer to, and a name in Indonesian and in English.

A region's industries and needs are its own: a refinery's regency needs "oil and gas", a
plantation regency "plantations", a housing agency counts "houses", a village program "groups".
The codes are the keys rows store (a foreign key to the code), so a name can be corrected
without touching a row; a code in use cannot be deleted (PROTECT).

Every page that lists rows shows their names: the names are kept in each process for
`KEPT_SECONDS` (one query when they are read again), forgotten at once in the process that
changes one (`watch`), so another process shows a corrected name within that time
(docs/caching.md).
"""

import time

from django.core.validators import RegexValidator
from django.db import connections, models
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

KEPT_SECONDS = 60

# Per process: {model label: (read at, {code: (name, name in English)})}.
_kept: dict[str, tuple[float, dict[str, tuple[str, str]]]] = {}


class TermQuerySet(models.QuerySet):
    def names(self) -> dict[str, tuple[str, str]]:
        """{code: (name, name in English)} of every term, kept in this process."""
        label = self.model._meta.label
        found = _kept.get(label)
        if found is None or time.monotonic() - found[0] > KEPT_SECONDS:
            rows = self.model._default_manager.values_list("code", "name", "name_en")
            found = _kept[label] = (time.monotonic(), {c: (n, e) for c, n, e in rows})
        return found[1]

    def label(self, code: str) -> str:
        """The name of `code` in the active language (English falls back to Indonesian); the
        code itself when it is no term."""
        names = self.names().get(code)
        if names is None:
            return code
        return (names[1] or names[0]) if (get_language() or "").startswith("en") else names[0]

    def choices(self) -> list[tuple[str, str]]:
        """(code, name) of every term in the active language, by name: a form field's or
        filter's choices (a callable, read when the form is drawn)."""
        return sorted(((code, self.label(code)) for code in self.names()), key=lambda c: c[1])


class Term(models.Model):
    code = models.CharField(
        _("code"),
        max_length=20,
        primary_key=True,
        validators=[
            RegexValidator(
                r"^[a-z0-9_]+$", _("Use lower-case letters, digits and underscores only.")
            )
        ],
        help_text=_("Stored by every row that uses it: it cannot be changed later."),
    )
    name = models.CharField(_("name (Indonesian)"), max_length=60, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=60, blank=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return type(self).objects.label(self.code)


def forget(sender, **kwargs) -> None:
    """Forget `sender`'s names now and again on commit (a read in between would keep the
    names before the change)."""
    from django.db import transaction

    label = sender._meta.label
    _kept.pop(label, None)
    transaction.on_commit(lambda: _kept.pop(label, None))


def forget_all() -> None:
    """Every process-kept list (tests start from the database's)."""
    _kept.clear()


def install(model, defaults, using: str = "default") -> int:
    """Fill an empty list with `defaults` [(code, name, name in English)]: a new database, or one
    emptied by a test. A list an administrator keeps is never touched. Rows created."""
    manager = model._default_manager.db_manager(using)
    if model._meta.db_table not in connections[using].introspection.table_names():
        return 0  # migrated back to before the list existed
    if manager.exists():
        return 0
    manager.bulk_create(
        model(code=code, name=name, name_en=name_en) for code, name, name_en in defaults
    )
    forget(model)
    return len(defaults)


def watch(model, defaults, *, app_config) -> None:
    """Forget the kept names whenever a term of `model` is saved or deleted (whatever the entry
    point), take a new `filter_choices` token (the drawn filters offer them), and fill the list
    with `defaults` after `migrate` or a flush when it is empty."""
    from . import versions

    label = model._meta.label
    for signal in (post_save, post_delete):
        signal.connect(forget, sender=model, weak=False, dispatch_uid=f"terms:{label}:{signal}")
    versions.watch("filter_choices", model)

    def fill(using="default", **kwargs):
        install(model, defaults, using)

    post_migrate.connect(fill, sender=app_config, weak=False, dispatch_uid=f"terms:{label}")


def carry_over(term: str, used_by: str, column: str, defaults):
    """A migration step turning a code field into a list kept as data: the list `term`
    ("companies.Sector") starts with `defaults` and every other value rows of `used_by` hold in
    `column` (named by its code), so that no row loses its value."""

    def run(apps, schema_editor):
        model, rows = apps.get_model(term), apps.get_model(used_by)
        names = {code: (name, name_en) for code, name, name_en in defaults}
        taken = {name for name, _en in names.values()}
        for value in rows.objects.order_by().values_list(column, flat=True).distinct():
            if value not in names:  # named by its code ("code (code)" if a name has it)
                name = value if value not in taken else f"{value} ({value})"
                names[value] = (name, value)
                taken.add(name)
        model.objects.bulk_create(
            model(code=code, name=name, name_en=name_en) for code, (name, name_en) in names.items()
        )

    return run
