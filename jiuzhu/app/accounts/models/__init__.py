from jiuzhu.app.accounts.models.audit import AuditEvent
from jiuzhu.app.accounts.models.profile import Profile, Role
from jiuzhu.app.accounts.models.team import Team
from jiuzhu.app.accounts.models.unit import Unit, UnitKind

__all__ = ["AuditEvent", "Profile", "Role", "Team", "Unit", "UnitKind"]
