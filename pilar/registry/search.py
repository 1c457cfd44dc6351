"""Search in the registry: by NIK, No. KK, (misspelt) name and address.

Names use pg_trgm word similarity, `name %> q` (threshold 0.6): "Muhamad Rizki" and
"Rizki" find "Muhammad Rizky", "Aminah Siti" finds "Siti Aminah". It is served by the
GIN trigram index on person.name. Whole-string similarity (`name % q`, threshold 0.3)
was dropped: for a common first name it matched ~100,000 of 2 million persons and made
a search take 0.5 s (benchmarks/RESULTS.md) while finding nothing word similarity misses.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import Q, QuerySet

from pilar.registry.identity import clean_digits
from pilar.registry.models import Household, Person


def id_number(q: str) -> str | None:
    """The 16 digits when the query is a NIK or No. KK (spaces/dots allowed)."""
    digits = clean_digits(q)
    return digits if digits.isdigit() and len(digits) == 16 else None


def person_name_q(q: str, field: str = "name") -> Q:
    return Q(**{f"{field}__trigram_word_similar": q})


def search_persons(qs: QuerySet, q: str) -> QuerySet:
    """Persons matching `q`, best first for a name search."""
    q = " ".join(q.split())
    if not q:
        return qs
    number = id_number(q)
    if number:
        return qs.filter(nik=number)
    return (
        qs.filter(person_name_q(q))
        .annotate(relevance=TrigramWordSimilarity(q, "name"))
        .order_by("-relevance", "id")
    )


def search_households(qs: QuerySet, q: str) -> QuerySet:
    """Households whose No. KK, a member's NIK, a member's name or the address match `q`."""

    q = " ".join(q.split())
    if not q:
        return qs
    number = id_number(q)
    if number:
        member_ids = Person.objects.filter(nik=number, is_active=True).values("household_id")
        return qs.filter(Q(no_kk=number) | Q(pk__in=member_ids))
    # A UNION of two trigram-index lookups, then `id IN (...)`: an OR of the two
    # conditions made PostgreSQL test every household's address (1.2 s to count
    # matches among 500,000 households; benchmarks/RESULTS.md).

    member_ids = Person.objects.filter(person_name_q(q), is_active=True).values("household_id")
    address_ids = Household.objects.filter(address__trigram_word_similar=q).values("id")
    return qs.filter(pk__in=member_ids.union(address_ids))


def household_matches(households: Sequence[Household], q: str) -> dict[int, str]:
    """Why each of `households` (one page of a search) matched `q`, in words for the
    list: "No. KK", "NIK Siti Aminah", "anggota: Siti Aminah, Rizky", "alamat". Two
    small queries over the page's households, with the search's own conditions."""
    q = " ".join(q.split())
    ids = [h.pk for h in households]
    if not q or not ids:
        return {}
    reasons: dict[int, list[str]] = {}
    number = id_number(q)
    if number:
        for h in households:
            if h.no_kk == number:
                reasons.setdefault(h.pk, []).append("No. KK")
        people = Person.objects.filter(household_id__in=ids, nik=number, is_active=True)
        for household_id, name in people.values_list("household_id", "name"):
            reasons.setdefault(household_id, []).append(f"NIK {name}")
        return {pk: ", ".join(texts) for pk, texts in reasons.items()}
    members: dict[int, list[str]] = {}
    people = (
        Person.objects.filter(person_name_q(q), household_id__in=ids, is_active=True)
        .annotate(relevance=TrigramWordSimilarity(q, "name"))
        .order_by("-relevance", "id")
    )
    for household_id, name in people.values_list("household_id", "name"):
        members.setdefault(household_id, []).append(name)
    for household_id, names in members.items():
        more = f" (+{len(names) - 3})" if len(names) > 3 else ""
        reasons.setdefault(household_id, []).append("anggota: " + ", ".join(names[:3]) + more)
    addressed = Household.objects.filter(pk__in=ids, address__trigram_word_similar=q)
    for household_id in addressed.values_list("id", flat=True):
        reasons.setdefault(household_id, []).append("alamat")
    return {pk: "; ".join(texts) for pk, texts in reasons.items()}
