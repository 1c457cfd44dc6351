"""Search in the registry: by NIK, No. KK, (misspelt) name and address.

A name query matches the persons whose name holds, for every word typed, one of the
words it may stand for (``names.word_forms``: other spellings, one typing error), in
any order, through the GIN index on the name's words; they are ranked by how close the
whole name is to the query (pg_trgm ``similarity`` of the two names), then by id. So
"Amlia Rahmawati", "Muhamad Suyanto Narpati", "Soekarno" and "Aminah Siti" find
"Amelia Rahmawati", "Muhammad Suyanto Narpati", "Sukarno" and "Siti Aminah", and a
person whose name is exactly the query comes before one with an extra word.

The matching persons are looked up once (``_matches``: their ids and households, at most
``MAX_MATCHES``), and the list's queryset is filtered by those ids: its count and its
page then read a few hundred rows by primary key instead of running the index look-up
of a few thousand words again for each. A query matched by more persons (one common
word, "Siti") keeps the words condition in the queryset instead.

A query no person matches that way (two errors in one word, a word the name does not
have) falls back to pg_trgm word similarity over the trigram index (``name %> q``), the
search used before issue 14: slower for common names, but it still finds something.

The household list ranks a household by its closest member; addresses are searched
(trigram word similarity) when the query looks like one (a digit, "Jl.", "Gg.", "RT",
...) or no person's name matches it: a trigram look-up of every address for every name
typed cost more than the name search itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.lookups import Overlap
from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.db import connection
from django.db.models import (
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Coalesce, Lower

from pilar.registry.identity import clean_digits
from pilar.registry.models import Household, Person
from pilar.registry.names import MUHAMMAD, NameWords, query_words, word_forms

# More matching persons than this are not fetched: the queryset filters by the words.
MAX_MATCHES = 5000
# Words that make a query an address (with any digit).
ADDRESS_WORDS = frozenset(
    "jl jln jalan gg gang rt rw blok no komplek komp perum perumahan kp kampung kav "
    "dusun lingkungan link".split()
)
_HAS_DIGIT = re.compile(r"\d")


def id_number(q: str) -> str | None:
    """The 16 digits when the query is a NIK or No. KK (spaces/dots allowed)."""
    digits = clean_digits(q)
    return digits if digits.isdigit() and len(digits) == 16 else None


def words_q(q: str, field: str = "name") -> Q | None:
    """Every typed word found among the name's words (see the module doc); None when
    the query has no word."""
    words = query_words(q)
    if not words:
        return None
    array = ArrayField(TextField())
    condition = Q()
    for word in dict.fromkeys(words):
        condition &= Q(Overlap(NameWords(field), Value(word_forms(word), output_field=array)))
    return condition


def relevance(q: str, field: str = "name") -> TrigramSimilarity:
    """How close a name is to the query as a whole, 0 to 1. With a spelling of
    Muhammad in the query, every spelling of it counts as the same word on both sides
    (else "Moch. Rizki" would rank "Moch. Rizki" above "Muhammad Rizki", a spelling
    choice, not a closer name)."""
    words = query_words(q)
    if not any(w in MUHAMMAD for w in words):
        return TrigramSimilarity(field, " ".join(words) or q)
    text = " ".join("muhammad" if w in MUHAMMAD else w for w in words)
    name = Func(
        Lower(field),
        Value(_MUHAMMAD_PATTERN),
        Value("\\1muhammad\\3"),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )
    return TrigramSimilarity(name, text)


# A spelling of Muhammad as a whole word (with its dot), for the ranking above.
_MUHAMMAD_PATTERN = (
    r"(^|[^a-z])(" + "|".join(sorted(MUHAMMAD, key=len, reverse=True)) + r")\.?([^a-z]|$)"
)


class _Matches:
    """The active persons whose name matches a query by its words: ``persons`` maps
    their ids to their households when there are at most ``MAX_MATCHES`` of them;
    ``many`` says there are more (``persons`` is then empty)."""

    def __init__(self, q: str) -> None:
        self.condition = words_q(q)
        self.persons: dict[int, int] = {}
        self.many = False
        if self.condition is None:
            return
        qs = Person.objects.filter(self.condition, is_active=True)
        rows = _without_plain_scans(
            lambda: list(qs.values_list("id", "household_id")[: MAX_MATCHES + 1])
        )
        if len(rows) > MAX_MATCHES:
            self.many = True
        else:
            self.persons = dict(rows)

    @property
    def found(self) -> bool:
        return self.many or bool(self.persons)


def _without_plain_scans(run):
    """``run()`` with sequential and plain index scans off (the bitmap scan of the
    words index left). For a look-up of a few thousand words the planner guesses
    hundreds of matches (each word it has no statistics for gets a default share) and,
    asked for at most N rows, reads the whole table to stop early: seconds at 2 million
    persons where the index answers in milliseconds."""
    with connection.cursor() as cursor:
        cursor.execute(_SAVE_AND_SET)
        saved = cursor.fetchone()[:2]
        try:
            return run()
        finally:
            cursor.execute(_SCANS, list(saved))


_SCANS = "SELECT set_config('enable_seqscan', %s, false), set_config('enable_indexscan', %s, false)"
# The session's settings as they were (select-list items run left to right), then off.
_SAVE_AND_SET = (
    "SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan'), "
    "set_config('enable_seqscan', 'off', false), set_config('enable_indexscan', 'off', false)"
)


def person_name_q(q: str, field: str = "name") -> Q:
    """The persons whose name matches ``q`` (``field`` is the name as seen from the
    queryset, e.g. ``person__name``): by their words, else by trigram word similarity
    (the fallback of the module doc)."""
    q = " ".join(q.split())
    matches = _Matches(q)
    return _persons_q(q, matches, field)


def _persons_q(q: str, matches: _Matches, field: str) -> Q:
    prefix = field[: -len("name")]
    if matches.persons:
        return Q(**{f"{prefix}pk__in": list(matches.persons)})
    if matches.many:
        return words_q(q, field) or Q()
    return Q(**{f"{field}__trigram_word_similar": q})


def search_persons(qs: QuerySet, q: str) -> QuerySet:
    """Persons matching `q`, the closest names first for a name search."""
    q = " ".join(q.split())
    if not q:
        return qs
    number = id_number(q)
    if number:
        return qs.filter(nik=number)
    return qs.filter(person_name_q(q)).annotate(relevance=relevance(q)).order_by("-relevance", "id")


def looks_like_address(q: str) -> bool:
    return bool(_HAS_DIGIT.search(q)) or any(w in ADDRESS_WORDS for w in query_words(q))


def search_households(qs: QuerySet, q: str) -> QuerySet:
    """Households whose No. KK, a member's NIK, a member's name or the address match
    `q`, annotated with ``relevance``: how close their closest member's name is to `q`.
    ``households_for`` orders by it."""
    q = " ".join(q.split())
    if not q:
        return qs
    number = id_number(q)
    if number:
        member_ids = Person.objects.filter(nik=number, is_active=True).values("household_id")
        return qs.filter(Q(no_kk=number) | Q(pk__in=member_ids)).annotate(
            relevance=Value(1.0, output_field=FloatField())
        )
    matches = _Matches(q)
    if matches.persons:
        households = Q(pk__in=set(matches.persons.values()))
    elif matches.found:
        households = Q(
            pk__in=Person.objects.filter(_persons_q(q, matches, "name"), is_active=True).values(
                "household_id"
            )
        )
    else:
        households = Q(
            pk__in=Person.objects.filter(name__trigram_word_similar=q, is_active=True).values(
                "household_id"
            )
        )
    if looks_like_address(q) or not matches.found:
        # `id IN (subquery)`: the address look-up runs once, through its own index
        # (household_address_trgm); the condition itself in an OR made PostgreSQL test
        # every household's address (1.2 s among 500,000; benchmarks/RESULTS.md).
        households |= Q(
            pk__in=Household.objects.filter(address__trigram_word_similar=q).values("id")
        )
    # The closest active member; every member of a candidate household is compared (a
    # handful of rows by the household index), not only the matching ones.
    best_member = Subquery(
        Person.objects.filter(household_id=OuterRef("pk"), is_active=True)
        .annotate(relevance=relevance(q))
        .order_by("-relevance")
        .values("relevance")[:1],
        output_field=FloatField(),
    )
    return qs.filter(households).annotate(
        relevance=Coalesce(best_member, Value(0.0), output_field=FloatField())
    )


def household_matches(households: Sequence[Household], q: str) -> dict[int, str]:
    """Why each of `households` (one page of a search) matched `q`, in words for the
    list: "No. KK", "NIK Siti Aminah", "anggota: Siti Aminah, Rizky", "alamat". Two or
    three small queries over the page's households, with the search's own conditions."""
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
    # The search's name conditions, tested on the page's members only (about a
    # hundred rows): by words, else by trigram word similarity. Running the search's
    # own look-up again (person_name_q) would read the words index of the whole
    # registry a second time for the same answer (20-40 ms at 2 million persons).
    page = Person.objects.filter(household_id__in=ids, is_active=True).annotate(
        relevance=TrigramWordSimilarity(q, "name")
    )
    condition = words_q(q)
    rows = []
    if condition is not None:
        rows = list(
            page.filter(condition).order_by("-relevance", "id").values_list("household_id", "name")
        )
    if not rows:
        rows = list(
            page.filter(name__trigram_word_similar=q)
            .order_by("-relevance", "id")
            .values_list("household_id", "name")
        )
    for household_id, name in rows:
        members.setdefault(household_id, []).append(name)
    for household_id, names in members.items():
        more = f" (+{len(names) - 3})" if len(names) > 3 else ""
        reasons.setdefault(household_id, []).append("anggota: " + ", ".join(names[:3]) + more)
    addressed = Household.objects.filter(pk__in=ids, address__trigram_word_similar=q)
    for household_id in addressed.values_list("id", flat=True):
        reasons.setdefault(household_id, []).append("alamat")
    return {pk: "; ".join(texts) for pk, texts in reasons.items()}
