from django import forms
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from companies.models import Company, CompanyVillage, Sector
from core.concurrency import VersionedFormMixin
from core.files import PHOTOS, UploadForm
from core.forms import BoundedInlineFormSet, SafeModelMultipleChoiceField, bounded_inline_formset
from core.money import rupiah
from planning.models import DevelopmentPlan, Need
from regions.models import Region

from .claims import free_units
from .matching import NO_CSR, left_behind
from .models import (
    Attachment,
    Consultation,
    OutputIndicator,
    PlanBudget,
    Pledge,
    Program,
    ProgramOutput,
    ProgramPartner,
    Round,
    Sdg,
    StrategicPlan,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class VillagePicker:
    """A form whose `villages` field offers the villages of some regencies or cities, drawn
    grouped by kecamatan (templates/programs/includes/_village_picker.html)."""

    def offer_villages(self, regions: list[Region]) -> None:
        codes = Q()
        for region in regions:
            codes |= Q(code__startswith=f"{region.code}.")
        offered = Region.objects.villages().filter(codes) if regions else Region.objects.none()
        villages = list(
            offered.select_related("parent__parent").order_by(
                "parent__parent__name", "parent__name", "name"
            )
        )
        several = len(regions) > 1
        field = self.fields["villages"]
        field.queryset = offered
        field.widget.choices = [(v.pk, v.name) for v in villages]
        self._district_of = {
            v.pk: f"{v.parent.name} ({v.parent.parent.name})" if several else v.parent.name
            for v in villages
        }

    def village_groups(self) -> list[tuple[str, list]]:
        """The village checkboxes grouped by kecamatan, for the picker."""
        groups: dict[str, list] = {}
        for option in self["villages"]:
            groups.setdefault(self._district_of[int(option.data["value"])], []).append(option)
        return list(groups.items())


class ProgramForm(VillagePicker, VersionedFormMixin, forms.ModelForm):
    sdgs = forms.TypedMultipleChoiceField(
        label=_("SDG goals"),
        choices=Sdg.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Program
        fields = [
            "title",
            "summary",
            "description",
            "pillar",
            "sdgs",
            "villages",
            "start_date",
            "end_date",
            "budget",
            "beneficiaries",
            "round",
            "strategic_plan",
        ]
        field_classes = {"villages": SafeModelMultipleChoiceField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "villages": forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            "start_date": DateInput(),
            "end_date": DateInput(),
        }
        help_texts = {
            "title": _("A draft needs only a title; everything else is checked at submission."),
            "budget": _("In whole rupiah, e.g. 750000000."),
        }

    def __init__(self, *args, plan: DevelopmentPlan, company_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self._offer_rounds(company_id)
        self.offer_villages([plan.city])
        if "strategic_plan" in self.fields:
            field = self.fields["strategic_plan"]
            field.queryset = StrategicPlan.objects.filter(company=company_id)
            plans = list(field.queryset)  # read once: offered, and drawn
            if not plans and not self.instance.strategic_plan_id:
                del self.fields["strategic_plan"]  # nothing to choose: nothing to write
                return
            field.choices = [("", field.empty_label), *((plan.pk, str(plan)) for plan in plans)]
            field.help_text = _(
                "Your company's multi-year CSR plan this program serves, if any: its dates may "
                "then lie in that plan's years too."
            )

    def _offer_rounds(self, company_id: int | None) -> None:
        """The open rounds the company is invited to, and the program's own round even once it
        closed; no field at all when there is neither."""
        current = self.instance.round_id
        rounds = Round.objects.filter(plan=self.plan).filter(
            Q(pk__in=Round.objects.inviting([company_id]).values("pk")) | Q(pk=current)
        )
        if current is None and not rounds.exists():
            del self.fields["round"]
            return
        field = self.fields["round"]
        field.queryset = rounds.order_by("-year")
        field.empty_label = _("Not part of a round")
        field.help_text = _("The synchronisation round this program is submitted into.")

    def clean_round(self):
        round = self.cleaned_data.get("round")
        if round and not round.is_open and round.pk != self.instance.round_id:
            raise forms.ValidationError(_("This round is closed."))
        return round

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The program must end after it starts."))
        strategy = cleaned.get("strategic_plan", self.instance.strategic_plan)
        years = {*self.plan.years, *(strategy.years if strategy else ())}
        for name in ("start_date", "end_date"):
            day = cleaned.get(name)
            if day and day.year not in years:
                message = _("Choose a date within the plan's period (%(first)s-%(last)s).") % {
                    "first": self.plan.first_year,
                    "last": self.plan.last_year,
                }
                if strategy:
                    message = _(
                        "Choose a date within the plan's period (%(first)s-%(last)s) or your "
                        "strategic plan's (%(own_first)s-%(own_last)s)."
                    ) % {
                        "first": self.plan.first_year,
                        "last": self.plan.last_year,
                        "own_first": strategy.first_year,
                        "own_last": strategy.last_year,
                    }
                self.add_error(name, message)
        return cleaned


class AmendmentForm(ProgramForm):
    """A change to an approved or running program, as the company proposes it: the program
    form without pillar and round (they stay), everything a submission needs required, and
    why (programs.amendments)."""

    REQUIRED = ("summary", "description", "start_date", "end_date", "budget", "beneficiaries")

    reason = forms.CharField(
        label=_("Why this change"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The planners read it beside the change, e.g. \"The parks' coordinates are known "
            'now; the works end a month later."'
        ),
    )

    class Meta(ProgramForm.Meta):
        fields = [
            name
            for name in ProgramForm.Meta.fields
            if name not in ("pillar", "round", "strategic_plan")
        ]
        help_texts = {"budget": ProgramForm.Meta.help_texts["budget"]}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.REQUIRED:
            self.fields[name].required = True

    def _offer_rounds(self, company_id: int | None) -> None:
        """A program keeps its round."""


class SteerForm(forms.Form):
    """The planners' proposal for one pledge: up to `LINES` needs of its priority and how much
    of the pledge goes to each (programs.amendments.amendment_steer), and why."""

    LINES = 3
    # The needs offered: those of the priority with the largest gaps, left-behind kelurahan
    # first; enough to choose from, few enough for a light page.
    OFFERED = 100

    reason = forms.CharField(
        label=_("Why, for the company"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_('E.g. "Kelurahan Masigit has no CSR yet and 80 houses waiting."'),
    )

    def __init__(self, *args, pledge: Pledge, **kwargs):
        super().__init__(*args, **kwargs)
        self.pledge = pledge
        left = left_behind(pledge.program.plan)
        candidates = (
            Need.objects.filter(priority=pledge.priority_id, status=Need.Status.OPEN)
            .with_gap()
            .select_related("village", "priority")
        )
        needs = sorted(
            candidates.order_by(F("pledged_quantity") - F("quantity"), "pk")[: self.OFFERED],
            key=lambda need: (
                not self._left_behind(need, left),
                need.pledged_quantity - need.quantity,
            ),
        )
        if pledge.need_id and pledge.need_id not in {need.pk for need in needs}:
            needs.insert(0, pledge.need)
        words = {NO_CSR: _("no CSR yet in this kelurahan")}
        choices = [("", "---------")]
        for need in needs:
            reason = self._left_behind(need, left)
            label = _("%(title)s · %(village)s · gap %(gap)s %(unit)s") % {
                "title": need.title,
                "village": need.village.name,
                "gap": need.gap,
                "unit": need.priority.get_unit_display(),
            }
            if reason:
                label += " · " + str(
                    words.get(
                        reason, _("under a quarter of this priority funded in this kelurahan")
                    )
                )
            choices.append((need.pk, label))
        queryset = Need.objects.filter(priority=pledge.priority_id)
        for line in range(1, self.LINES + 1):
            self.fields[f"need_{line}"] = forms.ModelChoiceField(
                label=_("Need %(line)s") % {"line": line},
                queryset=queryset,
                required=line == 1,
            )
            self.fields[f"need_{line}"].choices = choices
            self.fields[f"quantity_{line}"] = forms.IntegerField(
                label=_("Quantity %(line)s") % {"line": line},
                min_value=1,
                max_value=pledge.quantity,
                required=line == 1,
            )
        self.initial.setdefault("need_1", pledge.need_id)
        self.initial.setdefault("quantity_1", pledge.quantity)
        self.order_fields(["reason"])

    @staticmethod
    def _left_behind(need: Need, left: dict) -> str:
        found = left.get((need.village_id, need.priority_id))
        return found["reason"] if found else ""

    def lines(self) -> list[tuple]:
        """The (need, quantity) bound fields of each line, for the page."""
        return [(self[f"need_{n}"], self[f"quantity_{n}"]) for n in range(1, self.LINES + 1)]

    def clean(self):
        cleaned = super().clean()
        moves, seen = [], set()
        for line in range(1, self.LINES + 1):
            need, quantity = cleaned.get(f"need_{line}"), cleaned.get(f"quantity_{line}")
            if need is None and quantity is None:
                continue
            if need is None or quantity is None:
                self.add_error(
                    f"need_{line}" if need is None else f"quantity_{line}",
                    _("Give both the need and its quantity, or neither."),
                )
                continue
            if need.pk in seen:
                self.add_error(f"need_{line}", _("Each need once."))
            seen.add(need.pk)
            moves.append((need, quantity))
        total = sum(quantity for _need, quantity in moves)
        if not self.errors and total != self.pledge.quantity:
            self.add_error(
                None,
                _("The quantities add up to %(total)s; the pledge promises %(quantity)s.")
                % {"total": total, "quantity": self.pledge.quantity},
            )
        cleaned["moves"] = moves
        return cleaned


class NeedSelect(forms.Select):
    """Options carry their priority, so the page can offer only the chosen priority's needs."""

    priority_of: dict[int, int] = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value:
            option["attrs"]["data-priority"] = self.priority_of.get(int(str(value)), "")
        return option


class PledgeForm(forms.ModelForm):
    class Meta:
        model = Pledge
        fields = ["priority", "need", "quantity", "amount"]
        widgets = {"need": NeedSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].required = False

    def clean(self):
        cleaned = super().clean()
        priority, need = cleaned.get("priority"), cleaned.get("need")
        if need and not priority:
            cleaned["priority"] = self.instance.priority = need.priority
        elif not need and not priority and not self.errors:
            self.add_error("priority", _("Choose a priority or one of its needs."))
        if need and need.status != Need.Status.OPEN and need.pk != self.initial.get("need"):
            self.add_error("need", _("This need is closed."))
        return cleaned


class BasePledgeFormSet(BoundedInlineFormSet):
    """Choices are computed once for every row, so the form costs the same queries for 1 or
    20 pledges."""

    # A city may register thousands of needs: each line offers those around the company.
    OFFERED_NEEDS = 400

    def __init__(self, *args, plan: DevelopmentPlan, company_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        priorities = list(plan.priorities.order_by("code"))
        needs = list(self.offered_needs(plan, company_id))
        titles = {p.pk: str(p) for p in priorities}
        grouped: dict[int, list] = {}
        for need in needs:
            grouped.setdefault(need.priority_id, []).append(
                (
                    need.pk,
                    _("%(title)s · %(village)s · gap %(gap)s %(unit)s")
                    % {
                        "title": need.title,
                        "village": need.village.name,
                        "gap": need.gap,
                        "unit": need.priority.get_unit_display(),
                    },
                )
            )
        self.need_choices = [("", "---------")] + [
            (titles[pk], options) for pk, options in grouped.items()
        ]
        self.priority_choices = [("", "---------")] + [(p.pk, str(p)) for p in priorities]
        self.priority_of = {need.pk: need.priority_id for need in needs}
        self.plan_priorities = plan.priorities.all()
        self.plan_needs = Need.objects.filter(priority__plan=plan).select_related("priority")

    def offered_needs(self, plan: DevelopmentPlan, company_id: int | None):
        """Every open need with a gap, while the plan has at most OFFERED_NEEDS of them; past
        that, those of the program's target kelurahan and the company's ring villages
        (largest gaps first). And always those already pledged to. Any need of the plan is
        accepted when posted; the list only keeps the page light."""
        program = self.instance
        pledged: set[int] = set()
        if program.pk:
            pledged = set(program.pledges.exclude(need=None).values_list("need", flat=True))
        candidates = (
            Need.objects.filter(priority__plan=plan, status=Need.Status.OPEN)
            .with_gap()
            .order_by(F("pledged_quantity") - F("quantity"))
            .values_list("pk", flat=True)
        )
        near = list(candidates[: self.OFFERED_NEEDS + 1])
        if len(near) > self.OFFERED_NEEDS:
            villages = set(
                CompanyVillage.objects.filter(company_id=company_id).values_list(
                    "village", flat=True
                )
            )
            if program.pk:
                villages |= set(program.villages.values_list("pk", flat=True))
            near = list(candidates.filter(village__in=villages)[: self.OFFERED_NEEDS])
        return (
            Need.objects.filter(pk__in={*near, *pledged})
            .select_related("village", "priority")
            .order_by("priority__code", "village__name", "title")
        )

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        self._limit(form)
        return form

    @property
    def empty_form(self):
        form = super().empty_form
        self._limit(form)
        return form

    def _limit(self, form):
        form.fields["priority"].queryset = self.plan_priorities
        form.fields["priority"].choices = self.priority_choices
        form.fields["need"].queryset = self.plan_needs
        form.fields["need"].choices = self.need_choices
        form.fields["need"].widget.priority_of = self.priority_of

    def clean(self):
        super().clean()
        total = sum(
            form.cleaned_data.get("amount") or 0
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        )
        budget = self.instance.budget
        if budget and total > budget:
            raise forms.ValidationError(
                _("The pledges total %(total)s, more than the program's budget of %(budget)s.")
                % {"total": rupiah(total), "budget": rupiah(budget)}
            )


PledgeFormSet = bounded_inline_formset(
    Program,
    Pledge,
    form=PledgeForm,
    formset=BasePledgeFormSet,
    extra=2,
    can_delete=True,
    max_rows=50,
)


class OutputForm(forms.ModelForm):
    """An output of the program; its indicator from the administrators' list, or proposed."""

    new_indicator = forms.CharField(label=_("Or a new indicator"), required=False, max_length=120)
    new_unit = forms.CharField(label=_("Its unit"), required=False, max_length=40)

    class Meta:
        model = ProgramOutput
        fields = ["indicator", "new_indicator", "new_unit", "target_quantity", "village", "site"]
        fields += ["latitude", "longitude"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].required = False

    def clean(self):
        cleaned = super().clean()
        indicator, new = cleaned.get("indicator"), (cleaned.get("new_indicator") or "").strip()
        if not indicator and not new and self.has_changed() and not self.errors:
            self.add_error("indicator", _("Choose an indicator or propose a new one."))
        if new and not (cleaned.get("new_unit") or "").strip():
            self.add_error("new_unit", _("Give the new indicator's unit, e.g. unit, person."))
        return cleaned


class BaseOutputFormSet(BoundedInlineFormSet):
    """Choices are computed once for every row (as for the pledges)."""

    def __init__(self, *args, plan: DevelopmentPlan, company_id: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        indicators = list(OutputIndicator.objects.usable_by(company_id))
        villages = list(
            Region.objects.villages()
            .within(plan.city)
            .select_related("parent")
            .order_by("parent__name", "name")
        )
        self.indicators = OutputIndicator.objects.usable_by(company_id)
        self.villages = Region.objects.villages().within(plan.city)
        self.indicator_choices = [("", "---------")] + [(i.pk, str(i)) for i in indicators]
        self.village_choices = [("", "---------")] + [
            (v.pk, f"{v.name} (Kec. {v.parent.name})") for v in villages
        ]
        for form in [*self.forms, self.empty_form]:
            self._limit(form)

    def _limit(self, form):
        form.fields["indicator"].queryset = self.indicators
        form.fields["indicator"].choices = self.indicator_choices
        form.fields["village"].queryset = self.villages
        form.fields["village"].choices = self.village_choices


OutputFormSet = bounded_inline_formset(
    Program,
    ProgramOutput,
    form=OutputForm,
    formset=BaseOutputFormSet,
    extra=1,
    can_delete=True,
    max_rows=30,
)


class PartnerForm(forms.ModelForm):
    class Meta:
        model = ProgramPartner
        fields = ["kind", "company", "name", "role"]


class BasePartnerFormSet(BoundedInlineFormSet):
    def __init__(self, *args, company_id: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        companies = Company.objects.exclude(pk=company_id).order_by("name")
        choices = [("", "---------"), *companies.values_list("pk", "name")]
        for form in [*self.forms, self.empty_form]:
            form.fields["company"].queryset = companies
            form.fields["company"].choices = choices


PartnerFormSet = bounded_inline_formset(
    Program,
    ProgramPartner,
    form=PartnerForm,
    formset=BasePartnerFormSet,
    extra=1,
    can_delete=True,
    max_rows=20,
)


class AttachmentForm(UploadForm):
    """A proposal, photo or office document for a program (core.files)."""

    # Magic-byte types: PDF, photos and office documents. No SVG or HTML (scripts).
    accepted = {"pdf", *PHOTOS, "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp"}
    refused = _(
        "Only PDF, photos (JPEG, PNG, WebP) and office documents are accepted; "
        "this file's content is not one of them."
    )

    kind = forms.ChoiceField(
        label=_("Kind"), choices=Attachment.Kind.choices, initial=Attachment.Kind.PROPOSAL
    )
    field_order = ["kind", "file"]


class RoundForm(VersionedFormMixin, forms.ModelForm):
    """Open a synchronisation round, or change an open one, and choose whom it invites."""

    year = forms.TypedChoiceField(label=_("Program year"), coerce=int)
    sectors = forms.TypedMultipleChoiceField(
        label=_("Sectors"),
        choices=Sector.objects.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Round
        fields = [
            "title",
            "year",
            "deadline",
            "meeting_date",
            "scope",
            "sectors",
            "villages",
            "ring",
        ]
        field_classes = {"villages": SafeModelMultipleChoiceField}
        widgets = {
            "deadline": DateInput(),
            "meeting_date": DateInput(),
            "scope": forms.RadioSelect,
            "villages": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "title": _("E.g. Sinkronisasi CSR 2027."),
            "villages": _("For companies operating in some kelurahan only."),
        }

    def __init__(self, *args, plan: DevelopmentPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["year"].choices = [(year, year) for year in plan.years]
        self.fields["villages"].queryset = (
            Region.objects.villages().within(plan.city).order_by("name")
        )
        self.fields["ring"].widget = forms.Select(
            choices=[(1, _("Ring 1")), (2, _("Rings 1 and 2")), (3, _("Rings 1 to 3"))]
        )
        if self.instance.pk is None:
            self.initial.setdefault("scope", Round.Scope.ALL)

    def clean(self):
        cleaned = super().clean()
        scope, year = cleaned.get("scope"), cleaned.get("year")
        if scope == Round.Scope.SECTORS and not cleaned.get("sectors"):
            self.add_error("sectors", _("Choose at least one sector."))
        if scope == Round.Scope.VILLAGES and not cleaned.get("villages"):
            self.add_error("villages", _("Choose at least one kelurahan."))
        if scope != Round.Scope.SECTORS:
            cleaned["sectors"] = []
        if scope != Round.Scope.VILLAGES:
            cleaned["villages"] = Region.objects.none()
        deadline, meeting = cleaned.get("deadline"), cleaned.get("meeting_date")
        if deadline and meeting and meeting < deadline:
            self.add_error("meeting_date", _("The meeting must not come before the deadline."))
        taken = Round.objects.filter(plan=self.plan, year=year).exclude(pk=self.instance.pk)
        if year and taken.exists():
            self.add_error("year", _("This plan already has a round for that year."))
        return cleaned

    def save(self, commit=True):
        self.instance.plan = self.plan
        return super().save(commit)


class StrategyFileForm(UploadForm):
    """A strategic plan's document or a consultation's minutes: PDF, office documents, photos
    of signed pages (core.files)."""

    accepted = AttachmentForm.accepted
    refused = AttachmentForm.refused

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].required = False
        self.fields["file"].label = _("Add a document")

    def clean_file(self):
        """Optional: the form saves without one."""
        return super().clean_file() if self.cleaned_data.get("file") else None


class StrategyForm(VillagePicker, VersionedFormMixin, forms.ModelForm):
    """The common part of a strategic plan's and a consultation's form: the villages of the
    regions the company works in (and the request's), and documents to remove."""

    def __init__(self, *args, company: Company, regions: list[Region], **kwargs):
        super().__init__(*args, **kwargs)
        self.company = company
        self.offer_villages(regions)
        self.fields["villages"].required = self.villages_required
        if self.instance.pk and self.instance.files.exists():
            self.fields["remove_files"] = forms.ModelMultipleChoiceField(
                label=_("Remove these documents"),
                queryset=self.instance.files.all(),
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    villages_required = False

    def save(self, commit=True):
        self.instance.company = self.company
        return super().save(commit)


class StrategicPlanForm(StrategyForm):
    class Meta:
        model = StrategicPlan
        fields = ["title", "first_year", "last_year", "goals", "villages"]
        field_classes = {"villages": SafeModelMultipleChoiceField}
        widgets = {
            "goals": forms.Textarea(attrs={"rows": 4}),
            "villages": forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        }
        help_texts = {"title": _("E.g. Rencana Strategis CSR 2023-2027.")}

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_year"), cleaned.get("last_year")
        if first and last and not first <= last < first + 10:
            self.add_error("last_year", _("The last year comes after the first, within ten years."))
        return cleaned


class PlanBudgetForm(forms.ModelForm):
    class Meta:
        model = PlanBudget
        fields = ["year", "amount"]


class BasePlanBudgetFormSet(BoundedInlineFormSet):
    """Each year once, within the plan's period."""

    def clean(self):
        super().clean()
        plan, years = self.instance, []
        for form in self.forms:
            year = form.cleaned_data.get("year") if form.cleaned_data else None
            if year is None or form.cleaned_data.get("DELETE"):
                continue
            if plan.first_year and plan.last_year and year not in plan.years:
                form.add_error("year", _("A year of the plan's period, please."))
            if year in years:
                form.add_error("year", _("Each year once."))
            years.append(year)


PlanBudgetFormSet = bounded_inline_formset(
    StrategicPlan,
    PlanBudget,
    form=PlanBudgetForm,
    formset=BasePlanBudgetFormSet,
    extra=5,
    can_delete=True,
    max_rows=10,
)


class ConsultationForm(StrategyForm):
    villages_required = True

    class Meta:
        model = Consultation
        fields = [
            "kind",
            "held_on",
            "plan",
            "villages",
            *Consultation.GROUPS,
            "participant_names",
            "topics",
            "agreements",
            "programs",
        ]
        field_classes = {
            "villages": SafeModelMultipleChoiceField,
            "programs": SafeModelMultipleChoiceField,
        }
        widgets = {
            "held_on": DateInput(),
            "participant_names": forms.Textarea(attrs={"rows": 3}),
            "topics": forms.Textarea(attrs={"rows": 3}),
            "agreements": forms.Textarea(attrs={"rows": 3}),
            "villages": forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            "programs": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, company: Company, **kwargs):
        super().__init__(*args, company=company, **kwargs)
        self.fields["plan"].queryset = StrategicPlan.objects.filter(company=company)
        self.fields["programs"].queryset = (
            Program.objects.filter(company=company)
            .exclude(status=Program.Status.DRAFT)
            .order_by("-updated_at")
        )

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(group) for group in Consultation.GROUPS) and not self.errors:
            self.add_error(None, _("Count the participants of at least one group."))
        return cleaned


def unit_choice_label(unit) -> str:
    """A unit as an officer picking it sees it: reference, decile and condition, never the
    household's name, NIK or address."""
    parts = [unit.reference if unit.kind == "household" else f"{unit.reference} {unit.name}"]
    if unit.decile:
        parts.append(_("decile %(n)s") % {"n": unit.decile})
    if condition := unit.condition_label:
        parts.append(condition)
    return " · ".join(str(part) for part in parts)


def picks_token(unit_ids) -> str:
    """A pledge's picked units as a hidden field carries them ("-" for none)."""
    return ",".join(str(pk) for pk in sorted(unit_ids)) or "-"


class UnitPickForm(forms.Form):
    loaded_units = forms.CharField(required=False, widget=forms.HiddenInput, max_length=20_000)
    units = forms.TypedMultipleChoiceField(
        label=_("Units this pledge covers"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Picked units are reserved for this program while it is a draft, held while the "
            "planners review it, and taken once it is approved."
        ),
    )

    def __init__(self, *args, pledge, **kwargs):
        super().__init__(*args, **kwargs)
        units = list(free_units(pledge.need, pledge=pledge).neediest_first()[:1000])
        picked = pledge.claims.exclude(unit__in=[u.pk for u in units]).select_related("unit")
        units += [claim.unit for claim in picked]  # never dropped for lack of a box
        self.fields["units"].choices = [(u.pk, unit_choice_label(u)) for u in units]
        self.pledge = pledge
        # The picks as the page showed them: a save from a page loaded before another
        # officer's change is refused (programs.claims.claims_set).
        self.fields["loaded_units"].initial = picks_token(
            pledge.claims.values_list("unit", flat=True)
        )

    def clean_loaded_units(self) -> list[int] | None:
        text = self.cleaned_data["loaded_units"]
        if text == "":
            return None  # an old page without it: nothing to compare
        try:
            return sorted(int(pk) for pk in text.split(",") if pk != "-")
        except ValueError:
            raise forms.ValidationError(_("Reload the page and pick again.")) from None

    def refuse_stale(self, current: list[int]) -> None:
        """Shown again with the picks as they are now, so that saving again is a choice."""
        self.data = self.data.copy()
        self.data["loaded_units"] = picks_token(current)

    def clean_units(self):
        units = self.cleaned_data["units"]
        if len(units) > self.pledge.quantity:
            raise forms.ValidationError(
                _("The pledge is for %(quantity)s; pick at most as many units.")
                % {"quantity": self.pledge.quantity}
            )
        return units


class UnitEraseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (the request, its date)"),
        max_length=500,
        help_text=_(
            "The name, NIK, address and location are erased for good; the household still "
            "counts in the figures. Write the request's reference, not the person's name: "
            "the reason is kept in the audit trail."
        ),
    )
