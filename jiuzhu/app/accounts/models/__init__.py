from jiuzhu.app.accounts.models.audit import AuditEvent
from jiuzhu.app.accounts.models.notification import Notification
from jiuzhu.app.accounts.models.profile import Profile, Role
from jiuzhu.app.accounts.models.team import Team
from jiuzhu.app.accounts.models.unit import Unit, UnitKind

__all__ = ["AuditEvent", "Notification", "Profile", "Role", "Team", "Unit", "UnitKind"]
