from django.views.generic import DetailView

from . import audit


class HistoryView(DetailView):
    """An object's audit entries, newest first, read-only (core.audit.history).

    Subclasses fetch the object through their app's scoping (404 to outsiders) and name the
    models whose entries belong to it (`parts`) and the list it sits in (`back`).
    """

    template_name = "history.html"
    parts: tuple = ()
    intro = ""
    back: tuple[str, str] = ("", "")  # (URL name of the list, its label)
    limit = 200

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            entries=list(audit.history(self.object, parts=self.parts, limit=self.limit)),
            history_limit=self.limit,
            intro=self.intro,
            back_url_name=self.back[0],
            back_label=self.back[1],
            **kwargs,
        )
