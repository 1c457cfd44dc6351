"""Search in the registry: by NIK, No. KK, (misspelt) name and address.

A name query matches the persons whose name holds, for every word typed, one of the
words it may stand for (``names.word_forms``: other spellings, one typing error), in
any order, through the GIN index on the name's words; they are ranked by how close the
whole name is to the query (pg_trgm ``similarity`` of the two names), then by id. So
"Amlia Rahmawati", "Muhamad Suyanto Narpati", "Soekarno" and "Aminah Siti" find
"Amelia Rahmawati", "Muhammad Suyanto Narpati", "Sukarno" and "Siti Aminah", and a
person whose name is exactly the query comes before one with an extra word.

The matching persons are looked up once (``_Matches``: their ids, households and
relevance, at most ``MAX_MATCHES``), and the list's queryset is filtered by those ids
and ordered by their scores (``_ScoreOf``): its count and its page then read a few
hundred rows by primary key instead of running the index look-up of a few thousand
words again for each. A query with a spelling of Muhammad looks up the other words
among the Muhammad names' tagged keys (``words_q``, decision 48). A query matched by
more persons (one common word, "Siti") keeps the words condition in the queryset
instead.

A query no person matches that way (two errors in one word, a word the name does not
have) falls back to pg_trgm word similarity over the trigram index (``name %> q``), the
search used before issue 14: slower for common names, but it still finds something.

The household list ranks a household by its closest matching member; addresses are
searched (trigram word similarity) when the query looks like one (a digit, "Jl.", "Gg.",
"RT", ...) or no person's name matches it: a trigram look-up of every address for every
name typed cost more than the name search itself. The matching persons' scores come
with their look-up, and the list orders its households by a map of them passed as one
JSON constant (``_ScoreOf``), not by a subquery per candidate household (~70 µs each,
2,500 households for a common first name). A query matched by more than
``MAX_MATCHES`` persons or addresses keeps the per-household subquery.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.lookups import Overlap
from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.db import connection
from django.db.models import (
    F,
    FloatField,
    Func,
    Lookup,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Lower

from pilar.registry.identity import clean_digits
from pilar.registry.models import Household, Person
from pilar.registry.names import MUHAMMAD, MUHAMMAD_TAG, NameKeys, query_words, word_forms

# More matching persons than this are not fetched: the queryset filters by the words.
# 20,000 (5,000 until decision 48): "Muhammad Rizki" matches ~10,000 persons at 2
# million, and scoring them in the look-up and passing them as one array and one JSON
# map costs less than the per-household subquery of the other path (555 -> 203 ms).
MAX_MATCHES = 20_000
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
    the query has no word.

    A query of one Muhammad word and others ("Muh. Fikri") looks up the others among
    the tagged keys of the Muhammad names ("~fikri": ``NameKeys``), or, for a name
    whose Muhammad is itself misspelt ("Muhamamd Fikri"), the typed word's misspellings
    with the others' plain forms: the same persons as every word's forms, without
    reading the posting lists of every Muhammad spelling (decision 48)."""
    words = list(dict.fromkeys(query_words(q)))
    if not words:
        return None
    muhammad = [w for w in words if w in MUHAMMAD]
    others = [w for w in words if w not in MUHAMMAD]
    if len(muhammad) != 1 or not others:
        return _all_words(field, words)
    tagged = _all_words(field, others, tag=MUHAMMAD_TAG)
    misspelt = [f for f in word_forms(muhammad[0]) if f.rstrip(".,") not in MUHAMMAD]
    if not misspelt:
        return tagged
    return tagged | (_overlap(field, misspelt) & _all_words(field, others))


def _all_words(field: str, words: Iterable[str], tag: str = "") -> Q:
    condition = Q()
    for word in words:
        condition &= _overlap(field, [tag + form for form in word_forms(word)])
    return condition


def _overlap(field: str, keys: list[str]) -> Q:
    return Q(Overlap(NameKeys(field), Value(keys, output_field=ArrayField(TextField()))))


def relevance(q: str, field: str = "name") -> TrigramSimilarity:
    """How close a name is to the query as a whole, 0 to 1. With a spelling of
    Muhammad in the query, every spelling of it counts as the same word on both sides
    (else "Moch. Rizki" would rank "Moch. Rizki" above "Muhammad Rizki", a spelling
    choice, not a closer name)."""
    words = query_words(q)
    if not any(w in MUHAMMAD for w in words):
        return TrigramSimilarity(field, " ".join(words) or q)
    text = " ".join("muhammad" if w in MUHAMMAD else w for w in words)
    return TrigramSimilarity(_OneMuhammad(field), text)


class _OneMuhammad(Func):
    """The name in lower case with each word that spells Muhammad (with or without
    its dot) written "muhammad". Word by word over the name's words: a regular
    expression did the same at three times the cost (57 against 12 ms over the 2,668
    names of one query at 2 million persons). Trigram similarity compares sets of
    words' trigrams, so the words' order need not be kept."""

    # The spellings are the code's own constant (letters only), written into the SQL.
    template = (
        "array_to_string(ARRAY(SELECT CASE WHEN rtrim(w, '.') = ANY(ARRAY["
        + ", ".join(f"'{w}'" for w in sorted(MUHAMMAD) if w.isalpha() and w.isascii())
        + "]) THEN 'muhammad' ELSE w END "
        "FROM unnest(string_to_array(%(expressions)s, ' ')) AS w), ' ')"
    )
    output_field = TextField()

    def __init__(self, field: str) -> None:
        super().__init__(Lower(field))


class _Matches:
    """The active persons whose name matches a query by its words: ``persons`` maps
    their ids to their households when there are at most ``MAX_MATCHES`` of them;
    ``many`` says there are more (``persons`` is then empty). With ``scored``,
    ``scores`` maps each of those persons to their relevance and ``best`` each of their
    households to its closest matching member's, computed in the same look-up (the heap
    rows are read anyway), so the list orders by them without computing them again."""

    def __init__(self, q: str, scored: bool = False) -> None:
        self.condition = words_q(q)
        self.persons: dict[int, int] = {}
        self.scores: dict[int, float] = {}
        self.best: dict[int, float] = {}
        self.many = False
        if self.condition is None:
            return
        qs = Person.objects.filter(self.condition, is_active=True)
        fields = ["id", "household_id"]
        if scored:
            qs = qs.annotate(relevance=relevance(q))
            fields.append("relevance")
        rows = _without_plain_scans(lambda: list(qs.values_list(*fields)[: MAX_MATCHES + 1]))
        if len(rows) > MAX_MATCHES:
            self.many = True
            return
        self.persons = {row[0]: row[1] for row in rows}
        if scored:
            self.scores = {row[0]: row[2] for row in rows}
            _merge_best(self.best, ((household, score) for _, household, score in rows))

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
        return _id_in(f"{prefix}pk", matches.persons)
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
    matches = _Matches(q, scored=True)
    if matches.persons:
        # Scored in the look-up: the page reads its order from the map, where
        # computing the similarity again for every match cost ~20 ms per 1,000.
        qs = qs.filter(_id_in("pk", matches.persons)).annotate(relevance=_ScoreOf(matches.scores))
    else:
        qs = qs.filter(_persons_q(q, matches, "name")).annotate(relevance=relevance(q))
    return qs.order_by("-relevance", "id")


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
    matches = _Matches(q, scored=True)
    address = looks_like_address(q) or not matches.found
    scores = _household_scores(q, matches, address)
    if scores is not None:
        # Every candidate household and its score are known: the list reads them by
        # primary key and its order by the score, with no look-up per household.
        return qs.filter(_id_in("pk", scores)).annotate(relevance=_ScoreOf(scores))
    # Too many candidates to fetch (a common word alone): the conditions stay in the
    # queryset and each candidate household is scored by its closest active member.
    # By words, else (nothing matched them) by trigram word similarity: _persons_q.
    households = Q(
        pk__in=Person.objects.filter(_persons_q(q, matches, "name"), is_active=True).values(
            "household_id"
        )
    )
    if address:
        # `id IN (subquery)`: the address look-up runs once, through its own index
        # (household_address_trgm); the condition itself in an OR made PostgreSQL test
        # every household's address (1.2 s among 500,000; benchmarks/RESULTS.md).
        households |= Q(
            pk__in=Household.objects.filter(address__trigram_word_similar=q).values("id")
        )
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


def _household_scores(q: str, matches: _Matches, address: bool) -> dict[int, float] | None:
    """The candidate households of a name or address search, each with its relevance:
    its closest matching member's (by words, else by trigram word similarity), or, for
    an address search, how close its address is when that is closer. None when a
    look-up matches more than ``MAX_MATCHES`` rows."""
    if matches.many:
        return None
    scores = dict(matches.best)
    if not matches.found:
        fallback = (
            Person.objects.filter(name__trigram_word_similar=q, is_active=True)
            .annotate(relevance=relevance(q))
            .values_list("household_id", "relevance")
        )
        if not _keep_best(scores, fallback):
            return None
    if address:
        addressed = (
            Household.objects.filter(address__trigram_word_similar=q)
            .annotate(relevance=TrigramWordSimilarity(q, "address"))
            .values_list("id", "relevance")
        )
        if not _keep_best(scores, addressed):
            return None
    return scores


def _keep_best(scores: dict[int, float], rows: QuerySet) -> bool:
    """Adds the (household, score) rows to `scores` (``_merge_best``); False (and
    `scores` unusable) when there are more than ``MAX_MATCHES`` rows."""
    fetched = _without_plain_scans(lambda: list(rows[: MAX_MATCHES + 1]))
    if len(fetched) > MAX_MATCHES:
        return False
    _merge_best(scores, fetched)
    return True


def _merge_best(scores: dict[int, float], pairs: Iterable[tuple[int, float]]) -> None:
    """Adds (household, score) pairs to `scores`, keeping each household's best."""
    for household, score in pairs:
        if score > scores.get(household, -1.0):
            scores[household] = score


class _InArray(Lookup):
    """``column = ANY(%s::bigint[])``: the ids as one array parameter. ``pk__in`` with
    thousands of ids spent ~30 ms per 5,000 in Python, building and splitting one
    placeholder per id, on each of a list's two queries (count and page)."""

    lookup_name = "in_array"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", [*params, self.rhs]


def _id_in(path: str, ids: Iterable[int]) -> Q:
    return Q(_InArray(F(path), list(ids)))


class _ScoreOf(Func):
    """A row's score (a household's or a person's) from a map of them by id, passed
    to PostgreSQL as one JSON object (``'{"12": 0.8, ...}'::jsonb ->> id::text``): the
    constant is parsed once per query and each row's look-up is a binary search among
    the object's keys, where a CASE or a join to a list of pairs would compare every
    row with every pair."""

    arg_joiner = "::jsonb ->> "
    template = "(%(expressions)s)::float8"
    output_field = FloatField()

    def __init__(self, scores: dict[int, float]) -> None:
        text = json.dumps({str(pk): round(score, 6) for pk, score in scores.items()})
        super().__init__(Value(text), Cast("pk", TextField()))


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
