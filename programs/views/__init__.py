"""The programs app's pages, one module a topic (program, amendment, files, round)."""

from .amendment import (
    AmendmentDecisionView,
    AmendmentDetailView,
    AmendmentFormView,
    PledgeSteerView,
)
from .files import AttachmentDeleteView, AttachmentUploadView, attachment_download
from .program import (
    ProgramDetailView,
    ProgramFormView,
    ProgramHistoryView,
    ProgramListView,
    ProgramTransitionView,
    get_editable_program,
    get_program_for_user,
)
from .round import (
    RoundCloseView,
    RoundDetailView,
    RoundFormView,
    RoundListView,
    RoundRemindView,
    get_round,
)
from .strategy import (
    ConsultationDetailView,
    ConsultationFormView,
    StrategicPlanDetailView,
    StrategicPlanFormView,
    StrategyListView,
    strategy_file,
)
from .units import (
    NeedUnitsExportView,
    NeedUnitsView,
    PledgeUnitsView,
    UnitDetailView,
    UnitEraseView,
)

__all__ = [
    "AmendmentDecisionView",
    "AmendmentDetailView",
    "AmendmentFormView",
    "AttachmentDeleteView",
    "AttachmentUploadView",
    "ConsultationDetailView",
    "ConsultationFormView",
    "NeedUnitsExportView",
    "NeedUnitsView",
    "PledgeSteerView",
    "PledgeUnitsView",
    "ProgramDetailView",
    "ProgramFormView",
    "ProgramHistoryView",
    "ProgramListView",
    "ProgramTransitionView",
    "RoundCloseView",
    "RoundDetailView",
    "RoundFormView",
    "RoundListView",
    "RoundRemindView",
    "StrategicPlanDetailView",
    "StrategicPlanFormView",
    "StrategyListView",
    "UnitDetailView",
    "UnitEraseView",
    "attachment_download",
    "get_editable_program",
    "get_program_for_user",
    "get_round",
    "strategy_file",
]
