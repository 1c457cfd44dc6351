"""Indonesian name normalisation: every variant the engine must see through."""

from __future__ import annotations

import pytest

from pilar.dedup.names import fold_name, given_name, normalise_name, normalise_place, sorted_key


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        # Muhammad and its spellings / abbreviations
        ("Muhamad Rizki", "Muhammad Rizki"),
        ("Mohammad Rizki", "Muhammad Rizki"),
        ("Mochammad Rizki", "Muhammad Rizki"),
        ("Moh. Rizki", "Muhammad Rizki"),
        ("Moch. Rizki", "Muhammad Rizki"),
        ("Muh. Rizki", "Muhammad Rizki"),
        ("M. Rizki", "Muhammad Rizki"),
        ("M Rizki", "Muhammad Rizki"),
        ("Mhd. Rizki", "Muhammad Rizki"),
        # Old spellings
        ("Soekarno", "Sukarno"),  # oe -> u
        ("Djoko Susilo", "Joko Susilo"),  # dj -> j
        ("Tjahjo Kumolo", "Cahyo Kumolo"),  # tj -> c (and old j -> y)
        ("Chairul Anwar", "Khairul Anwar"),  # ch -> kh
        ("Sjamsul Bahri", "Syamsul Bahri"),  # sj -> sy
        ("Njoman Suarta", "Nyoman Suarta"),  # nj -> ny
        ("Siti Noerhajati", "Siti Nurhayati"),
        # Titles and degrees
        ("H. Ahmad Dahlan", "Ahmad Dahlan"),
        ("Hj. Siti Aminah", "Siti Aminah"),
        ("Dr. Budi Santoso", "Budi Santoso"),
        ("Drs. H. Budi Santoso", "Budi Santoso"),
        ("Budi Santoso, S.Pd.", "Budi Santoso"),
        ("Budi Santoso, S.Pd., M.Pd.", "Budi Santoso"),
        ("Budi Santoso S.Pd", "Budi Santoso"),
        ("Ir. Budi Santoso, M.T.", "Budi Santoso"),
        # bin / binti: the patronymic is dropped
        ("Ahmad bin Hasan", "Ahmad"),
        ("Aminah binti Abdullah", "Aminah"),
        # Case, punctuation, spaces
        ("BUDI  SANTOSO", "Budi Santoso"),
        ("budi santoso.", "Budi Santoso"),
        # Loose spellings that fold alike
        ("Rizky Ramadhan", "Rizki Ramadan"),
        ("Annisa Fitri", "Anisa Fitri"),
        ("Achmad Fathurrahman", "Ahmad Faturahman"),
        ("Fatimah", "Fatima"),
    ],
)
def test_variants_fold_to_the_same_key(variant, canonical):
    assert fold_name(variant) == fold_name(canonical), (variant, canonical)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Budi Santoso", "Budi Setiawan"),
        ("Hasan", "Husin"),
        ("Putra", "Putri"),
        ("Joko", "Jaka"),
        ("Siti Aminah", "Siti Rahayu"),
    ],
)
def test_different_names_stay_different(a, b):
    assert fold_name(a) != fold_name(b)


def test_normalised_form_is_readable():
    assert normalise_name("H. Moch. Djoenaedi bin Soekarta, S.Pd.") == "muhammad junaedi"
    assert normalise_name("Dr. Hj. Aminah binti Hasan") == "aminah"
    assert normalise_name("") == ""
    assert normalise_name(None) == ""


def test_word_order_and_single_names():
    assert sorted_key(fold_name("Santoso Budi")) == sorted_key(fold_name("Budi Santoso"))
    assert fold_name("Sutrisno") == "sutrisno"  # single names stay single
    assert given_name(fold_name("M. Rizki Hidayat")) == "rizki"
    assert given_name(fold_name("Muhammad")) == "muhamad"


def test_a_lone_dotless_mamad_is_a_sundanese_name():
    assert normalise_name("Mamad") == "mamad"


def test_places():
    assert normalise_place("Kota Tangerang") == normalise_place("tangerang")
    assert normalise_place("Kab. Tangerang") == "tangerang"
    assert normalise_place("Soerabaja") == normalise_place("Surabaja")
