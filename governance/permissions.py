"""What the Secretariaat group may do with the governance models (see vzhg.permissions)."""

from vzhg.permissions import ALL, VIEW_CHANGE

SECRETARIAT = {
    # Bodies, mandates, meetings, agenda items and documents (uploads are checked by the
    # services); personal notes and packs are not in the admin.
    "governance.Theme": ALL,
    "governance.Body": ALL,
    "governance.Mandate": ALL,
    "governance.VngCommission": ALL,
    "governance.CommissionSeat": ALL,
    # Recommendation requests come from the bestuurder's profile; the secretariat handles them.
    "governance.RecommendationRequest": ALL,
    "governance.Meeting": ALL,
    "governance.AgendaItem": ALL,
    "governance.Document": ALL,
    "governance.Motion": ALL,
    # The ALV as an assembly: voting rules (one row, never added or deleted by hand), delegates,
    # presence and votes (opened, recorded and closed through the services).
    "governance.AssemblyRules": VIEW_CHANGE,
    "governance.MunicipalityWeight": ALL,
    "governance.Delegate": ALL,
    "governance.Presence": ALL,
    "governance.Proxy": ALL,
    "governance.Vote": ALL,
    "governance.Ballot": ALL,
    # Minutes, their attendance (recorded on the minutes' page) and the action list.
    "governance.Minutes": ALL,
    "governance.Attendance": ALL,
    "governance.Action": ALL,
    # The workplan and the annual report.
    "governance.Objective": ALL,
    "governance.Workplan": ALL,
    "governance.WorkplanSection": ALL,
    "governance.PlannedActivity": ALL,
    "governance.ProgressReport": ALL,
    "governance.AnnualReport": ALL,
    "governance.AnnualReportSection": ALL,
    # PDF versions are made by rendering and published by an action, so the secretariat may view
    # and change them but never add or delete one.
    "governance.ReportVersion": VIEW_CHANGE,
}
