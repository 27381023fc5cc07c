"""The admin of governance lives in its rooms: the board and meetings (governance.board), the workplan
and annual report (governance.reports). Django's autodiscovery imports this module."""

from governance.board import admin as board_admin  # noqa: F401
from governance.board import (
    assembly_admin,  # noqa: F401
    commission_admin,  # noqa: F401
    meeting_admin,  # noqa: F401
    minutes_admin,  # noqa: F401
)
from governance.reports import admin as reports_admin  # noqa: F401
from governance.reports import annual_admin  # noqa: F401
