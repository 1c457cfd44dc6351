from pilar.accounts.scope import ScopedQuerySet
from pilar.renovations.choices import OPEN_STATUSES


class RenovationQuerySet(ScopedQuerySet):
    """Renovations are scoped by the household's kelurahan, kept on the row."""

    village_path = "village"

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)
