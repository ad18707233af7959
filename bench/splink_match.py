"""The same task for splink (DuckDB backend): read id,surname,name,patronymic,birth_date,sex, write id1,id2,score.

Runs in its own environment (.venv-bench, made by `make bench-matching`), since splink is not a dependency of
the system. bench_matching gives it the records already parsed and normalised by the project's own parser
(surname key, full first name, nominative patronymic, ISO date, sex) and the prior it gives its own matcher;
here they are read as they are (lower case, ё → е, both date formats, for a file prepared by hand). The model is
splink's usual person model: name comparisons with term frequencies, a date-of-birth comparison, sex; blocking
on the date with each name, and on the three names; u by random sampling and m by expectation maximisation, as
splink's tutorials do; the prior is fixed (not estimated) and a pair is a match at probability 0.5 or more, the
rule the project's matcher uses.

    python bench/splink_match.py IN.csv OUT.csv [--prior P]
"""

import csv
import datetime
import sys
import time

import pyarrow as pa
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on


def iso(value):
    value = (value or "").strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def clean(value):
    value = (value or "").strip().lower().replace("ё", "е")
    return value or None


def main(source, target, prior):
    started = time.perf_counter()
    columns = {"unique_id": [], "surname": [], "first_name": [], "patronymic": [], "dob": [], "sex": []}
    with open(source, encoding="utf-8-sig", newline="") as handle:
        for number, row in enumerate(csv.reader(handle)):
            if not row or (number == 0 and row[0].strip().lower() == "id"):
                continue
            row = (row + [""] * 6)[:6]
            columns["unique_id"].append(row[0].strip())
            columns["surname"].append(clean(row[1]))
            columns["first_name"].append(clean(row[2]))
            columns["patronymic"].append(clean(row[3]))
            columns["dob"].append(iso(row[4]))
            columns["sex"].append(clean(row[5]))
    table = pa.table(columns)
    db_api = DuckDBAPI()
    frame = db_api.register(table)
    settings = SettingsCreator(
        link_type="dedupe_only",
        probability_two_random_records_match=prior,
        comparisons=[
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("patronymic").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("sex"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("dob", "surname"),
            block_on("dob", "first_name"),
            block_on("dob", "patronymic"),
            block_on("surname", "first_name", "patronymic"),
            block_on("surname", "first_name", "substr(dob, 1, 4)"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(frame, settings, log_level=None)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("surname", "first_name"))
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    pairs = predictions.as_duckdbpyrelation().select("unique_id_l, unique_id_r, match_probability").fetchall()
    with open(target, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id1", "id2", "score"])
        for left, right, probability in pairs:
            writer.writerow([left, right, f"{probability:.4f}"])
    sys.stderr.write(f"splink: {len(columns['unique_id'])} records, {len(pairs)} pairs, "
                     f"{time.perf_counter() - started:.1f} s\n")


if __name__ == "__main__":
    arguments = sys.argv[1:]
    given = float(arguments[arguments.index("--prior") + 1]) if "--prior" in arguments else None
    records = sum(1 for _ in open(arguments[0], encoding="utf-8-sig")) - 1
    # Without --prior: the same assumption as the project's matcher (people/matching/score.py), 2^0.2 / N.
    main(arguments[0], arguments[1], given if given is not None else 2 ** 0.2 / max(records, 1000))
