from pilar.accounts.scope import ScopedQuerySet


class PpksRecordQuerySet(ScopedQuerySet):
    village_path = "household__village"
