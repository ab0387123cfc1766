"""The company's side: CSR programs with their pledges toward the plan, their outputs, partners
and files, and the yearly synchronisation rounds; one module a topic."""

from .amendment import Amendment
from .claim import UnitClaim
from .files import Attachment, _attachment_path
from .output import IndicatorQuerySet, OutputIndicator, ProgramOutput
from .pledge import Pledge
from .program import (
    Commitment,
    Program,
    ProgramPartner,
    ProgramQuerySet,
    ProgramTransition,
    Sdg,
)
from .round import Invitation, InvitationQuerySet, Round, RoundQuerySet
from .strategy import (
    Consultation,
    PlanBudget,
    StrategicPlan,
    StrategyFile,
    StrategyQuerySet,
)

__all__ = [
    "Amendment",
    "Attachment",
    "Commitment",
    "Consultation",
    "IndicatorQuerySet",
    "Invitation",
    "InvitationQuerySet",
    "OutputIndicator",
    "PlanBudget",
    "Pledge",
    "Program",
    "ProgramOutput",
    "ProgramPartner",
    "ProgramQuerySet",
    "ProgramTransition",
    "Round",
    "RoundQuerySet",
    "Sdg",
    "StrategicPlan",
    "StrategyFile",
    "StrategyQuerySet",
    "UnitClaim",
    "_attachment_path",
]
