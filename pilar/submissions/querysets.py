from pilar.accounts.models import User
from pilar.accounts.scope import Action, ScopedQuerySet
from pilar.ppks.access import may_see_health_data


class SubmissionQuerySet(ScopedQuerySet):
    village_path = "village"

    def restrict(self, user: User, action: Action = "view"):
        """Area scope, and submissions carrying restricted health data (a PPKS record of
        a restricted type to add or end) only for roles that may see such data."""
        qs = super().restrict(user, action)
        if not may_see_health_data(user):
            qs = qs.exclude(restricted=True)
        return qs
