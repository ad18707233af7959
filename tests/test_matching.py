"""Russian-aware person matching: one named example per kind of noise, and the pairs that must stay apart."""

import csv

import pytest
from django.core.management import call_command

from people.matching import THRESHOLD, compare, match, parse, synthetic
from people.matching.text import clean, fold, latin_to_cyrillic, name_groups, patronymic_info, surname_keys

BASE = ("Иванов", "Александр", "Петрович", "2012-03-05", "m")


def probability(a, b):
    return compare(parse(1, *a), parse(2, *b))


SAME = {
    "grammatical case": (("Иванову", "Сашу", "Петровичу", "05.03.2012", ""),
                         {"surname_other_form", "short_name", "same_patronymic"}),
    "instrumental case": (("Ивановым", "Александром", "Петровичем", "2012-03-05", ""), {"surname_other_form"}),
    "short form": (("Иванов", "Шурик", "Петрович", "2012-03-05", "m"), {"short_name"}),
    "diminutive": (("Иванов", "Сашенька", "Петрович", "2012-03-05", "m"), {"short_name"}),
    "passport transliteration": (("Ivanov", "Aleksandr", "Petrovich", "05.03.2012", "m"), {"same_name"}),
    "English spelling": (("Ivanov", "Alexander", "Petrovich", "2012-03-05", ""), {"name_typo"}),
    "initials": (("Ivanov", "A.", "P.", "2012-03-05", ""), {"initial", "patronymic_initial"}),
    "initials in one field": (("Иванов А.П.", "", "", "2012-03-05", ""), {"initial", "patronymic_initial"}),
    "typing error in the surname": (("Иваонв", "Александр", "Петрович", "2012-03-05", "m"), {"surname_typo"}),
    "typing error in the name": (("Иванов", "Алекандр", "Петрович", "2012-03-05", "m"), {"name_typo"}),
    "swapped surname and name": (("Александр", "Иванов", "Петрович", "2012-03-05", "m"), {"swapped_fields"}),
    "day and month swapped": (("Иванов", "Александр", "Петрович", "2012-05-03", "m"), {"birth_date_swapped"}),
    "one wrong digit": (("Иванов", "Александр", "Петрович", "2013-03-05", "m"), {"birth_date_one_digit"}),
    "upper case and no sex": (("ИВАНОВ", "АЛЕКСАНДР", "ПЕТРОВИЧ", "2012-03-05", ""), {"same_surname"}),
}


@pytest.mark.parametrize("kind", SAME)
def test_the_same_person_written_another_way_matches(kind):
    other, reasons = SAME[kind]
    score, found = probability(BASE, other)
    assert score >= THRESHOLD, (kind, score, found)
    assert reasons <= set(found), (kind, found)


def test_yo_and_ye_are_the_same_letter():
    score, reasons = probability(("Семёнова", "Алёна", "Пётровна", "2011-01-02", "f"),
                                 ("Семенова", "Алена", "Петровна", "2011-01-02", "f"))
    assert score > 0.99 and "same_surname" in reasons and "same_name" in reasons


def test_a_girl_whose_surname_changed_by_adoption_is_found_by_name_patronymic_and_date():
    score, reasons = probability(("Петрова", "Мария", "Игоревна", "2010-07-15", "f"),
                                 ("Сидорова", "Маша", "Игоревна", "2010-07-15", "f"))
    assert score >= THRESHOLD and "surname_differs" in reasons


def test_gost_transliteration_and_old_passport_style():
    assert clean("Shhukina") == clean("Shchukina") == "щукина"
    assert latin_to_cyrillic("Yuliya") == latin_to_cyrillic("Iuliia") == "юлия"
    assert latin_to_cyrillic("Dmitriy") == latin_to_cyrillic("Dmitrii") == "дмитрий"
    assert latin_to_cyrillic("Sergei") == latin_to_cyrillic("Sergey") == "сергей"
    score, _ = probability(("Щукина", "Юлия", "Сергеевна", "2014-09-01", "f"),
                           ("Shhukina", "Yuliya", "Sergeevna", "2014-09-01", "f"))
    assert score > 0.99


def test_sex_is_inferred_from_the_patronymic_and_the_name():
    assert patronymic_info("петровной") == (fold("петрович"), "f")
    assert patronymic_info("сергеевичем") == (fold("сергеевич"), "m")
    assert parse(1, "Кузнецова", "Саша", "Игоревна").sex == "f"
    assert parse(1, "Кузнецов", "Дима").sex == "m"
    assert parse(1, "Кузнецова", "Саша", "Игоревна").canonical_names == {"александра"}


def test_morphology_and_dictionary():
    assert "иванов" in surname_keys("иванову")
    assert fold("достоевский") in surname_keys("достоевского")
    assert ("мария", "f") in name_groups("машеньку")
    assert ("александр", "m") in name_groups("сашу") and ("александра", "f") in name_groups("сашу")


DIFFERENT = {
    "twins": (("Иванов", "Дмитрий", "Петрович", "2012-03-05", "m"), "name_differs"),
    "sister": (("Иванова", "Мария", "Петровна", "2009-01-11", "f"), "name_differs"),
    "father with the same name": (("Иванов", "Александр", "Сергеевич", "1984-10-02", "m"), "patronymic_differs"),
    "namesake born another day": (("Иванов", "Александр", "Петрович", "2008-11-21", "m"), "birth_date_differs"),
    "Анна is not Жанна": (("Иванова", "Анна", "Петровна", "2012-03-05", "f"), "name_differs"),
}


@pytest.mark.parametrize("kind", DIFFERENT)
def test_different_persons_stay_apart(kind):
    other, reason = DIFFERENT[kind]
    base = BASE if kind != "Анна is not Жанна" else ("Иванова", "Жанна", "Петровна", "2012-03-05", "f")
    score, found = probability(base, other)
    assert score < THRESHOLD, (kind, score, found)
    assert reason in found


def test_batch_finds_each_kind_of_noise_and_completes_a_group_of_three():
    rows = [("1", *BASE), ("2", "Иванову", "Сашу", "", "05.03.2012", ""), ("3", "Ivanov", "A.", "P.", "2012-03-05", ""),
            ("4", "Иванов", "Дмитрий", "Петрович", "2012-03-05", "m"), ("5", "Петрова", "Анна", "", "", "")]
    pairs = {(a, b) for a, b, _ in match(parse(r[0], *r[1:]) for r in rows)}
    assert {tuple(sorted(p)) for p in pairs} == {("1", "2"), ("1", "3"), ("2", "3")}


def test_match_csv_reads_both_date_formats_and_writes_pairs_above_the_threshold(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("id,surname,name,patronymic,birth_date,sex\n"
                      "a1,Кузнецова,Ольга,Игоревна,2011-04-08,f\n"
                      "a2,Kuznetsova,Olga,Igorevna,08.04.2011,\n"
                      "a3,Кузнецова,Мария,Игоревна,2011-04-08,f\n"
                      "\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    call_command("match_csv", str(source), str(out))
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0] == ["id1", "id2", "score"]
    assert [sorted(r[:2]) for r in rows[1:]] == [["a1", "a2"]]
    assert 0.5 <= float(rows[1][2]) <= 1


def test_on_a_synthetic_registry_both_precision_and_recall_are_high():
    rows = synthetic.generate(3000, seed=11)
    found = [(a, b) for a, b, _ in match(parse(r[0], *r[1:6]) for r in rows)]
    result = synthetic.evaluate(found, synthetic.true_pairs(rows))
    assert result["precision"] > 0.97 and result["recall"] > 0.88, result


def test_the_generator_produces_every_kind_of_noise():
    import random

    rng = random.Random(3)
    person = {"surname": "иванов", "name": "александр", "patronymic": "петрович",
              "birth_date": parse(1, birth_date="2012-03-05").birth_date, "sex": "m"}
    _, forms = synthetic._names_by_sex()
    for kind in synthetic.NOISES:
        noisy = synthetic.add_noise(person, kind, rng, forms, ["петров"])
        if kind != "yo":  # Иванов has no ё
            assert noisy != person, kind
        score, _ = compare(parse(1, **{k: v for k, v in person.items()}), parse(2, **noisy))
        assert score > 0.05 or kind == "surname_change", (kind, noisy)


def test_other_tools_are_given_the_records_as_the_matcher_reads_them():
    """bench_matching gives splink these fields: the grammar, short names and transliteration already undone."""
    from people.matching.records import normalised

    assert normalised(parse(1, "Ивановой", "Машей", "Петровной", "05.03.2012", "")) == (
        "1", "иванов", "мария", "петрович", "2012-03-05", "f")  # the patronymic by the father's name
    assert normalised(parse(2, "Ivanova", "Maria", "Petrovna", "2012-03-05", "f"))[1:4] == (
        "иванов", "мария", "петрович")


def test_the_held_out_set_is_another_draw_and_the_tuning_set_is_unchanged():
    from collections import Counter

    def duplicated_share(rows):
        sizes = Counter(r[6] for r in rows)
        return sum(1 for n in sizes.values() if n > 1) / len(sizes)

    tuning = synthetic.generate(4000, seed=2026)
    assert tuning == synthetic.generate(4000, seed=2026)  # reproducible: the figures can be checked
    held_out = synthetic.generate(4000, **synthetic.HELD_OUT)
    same_seed_default_mix = synthetic.generate(4000, seed=synthetic.HELD_OUT["seed"])
    assert held_out != same_seed_default_mix  # the noise mix differs, not only the seed
    assert 0.25 < duplicated_share(tuning) < 0.35 and 0.15 < duplicated_share(held_out) < 0.25
