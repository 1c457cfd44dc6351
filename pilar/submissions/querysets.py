from pilar.accounts.scope import ScopedQuerySet


class SubmissionQuerySet(ScopedQuerySet):
    village_path = "village"
