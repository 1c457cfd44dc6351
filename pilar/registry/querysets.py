from pilar.accounts.scope import ScopedQuerySet


class HouseholdQuerySet(ScopedQuerySet):
    village_path = "village"


class PersonQuerySet(ScopedQuerySet):
    village_path = "household__village"


class MembershipQuerySet(ScopedQuerySet):
    village_path = "household__village"


class HousingSurveyQuerySet(ScopedQuerySet):
    village_path = "household__village"
