"""The governance models, one module per room; everything is importable from governance.models
(the migrations refer to the upload_to functions here)."""

from .assembly import AssemblyRules, Ballot, Candidate, Delegate, MunicipalityWeight, Presence, Proxy, Vote
from .board import Body, CommissionSeat, Mandate, Theme, VngCommission
from .commissions import RecommendationRequest
from .convocation import ConvocationRecipient, LateDocumentNotice
from .files import document_upload_to, pack_upload_to, report_upload_to
from .meetings import (
    AgendaItem,
    Document,
    Meeting,
    MeetingPack,
    MeetingView,
    Motion,
    Notice,
    PersonalNote,
)
from .minutes import Action, Attendance, Minutes
from .reports import (
    YEAR_VALIDATORS,
    AnnualReport,
    AnnualReportSection,
    Objective,
    PlannedActivity,
    ProgressReport,
    ReportVersion,
    Workplan,
    WorkplanSection,
)

__all__ = [
    # assembly (alv-votes)
    "AssemblyRules",
    "Ballot",
    "Candidate",
    "Delegate",
    "MunicipalityWeight",
    "Presence",
    "Proxy",
    "Vote",
    "YEAR_VALIDATORS",
    "Action",
    "AgendaItem",
    "AnnualReport",
    "AnnualReportSection",
    "Attendance",
    "Body",
    "CommissionSeat",
    "ConvocationRecipient",
    "Document",
    "LateDocumentNotice",
    "Mandate",
    "Meeting",
    "MeetingPack",
    "MeetingView",
    "Minutes",
    "Motion",
    "Notice",
    "Objective",
    "PersonalNote",
    "PlannedActivity",
    "ProgressReport",
    "RecommendationRequest",
    "ReportVersion",
    "Theme",
    "VngCommission",
    "Workplan",
    "WorkplanSection",
    "document_upload_to",
    "pack_upload_to",
    "report_upload_to",
]
