"""netz survey merge: answers from a file into ties, wide and long forms, bad input named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netz.cli import EXIT_INPUT, main

WIDE = "reporter;partner;kind;frequency;trust_reliability\na;b;information;3;4\nb;a;resources;1;2\na;c;;;\n"
LONG = "reporter,partner,item,value\na,b,kind,information\nb,a,frequency,1\na,c,named,\n"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("rule", "pairs"), [("union", {"a,b", "a,c"}), ("confirmed", {"a,b"})])
def test_merge_by_rule_prints_a_tie_table(tmp_path: Path, capsys: pytest.CaptureFixture[str], rule: str,
                                          pairs: set[str]) -> None:
    answers = tmp_path / "answers.csv"
    answers.write_text(WIDE, encoding="utf-8")
    code, out, _ = run(capsys, "survey", "merge", str(answers), "--rule", rule, "--respondents", "a,b,c")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "source,target,weight,kind,value,trust"
    assert {",".join(line.split(",")[:2]) for line in lines[1:]} == pairs


def test_long_answers_and_json_figures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = tmp_path / "long.csv"
    answers.write_text(LONG, encoding="utf-8")
    code, out, _ = run(capsys, "survey", "merge", str(answers), "--format", "json")
    assert code == 0
    result = json.loads(out)
    assert result["response_rate"] == pytest.approx(2 / 3)  # c named, did not answer
    assert {(t["source"], t["target"]) for t in result["ties"]} == {("a", "b"), ("a", "c")}
    assert {c["figure"] for c in result["caveats"]} == {"betweenness", "centralization", "cut_points"}


def test_bad_answers_name_file_row_and_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = tmp_path / "answers.csv"
    answers.write_text("reporter;partner;frequency\na;b;7\n", encoding="utf-8")
    code, _, err = run(capsys, "survey", "merge", str(answers), "--lang", "en")
    assert code == EXIT_INPUT
    assert "answers.csv" in err and "row 2" in err and "frequency" in err
    code, _, err = run(capsys, "survey", "merge", str(answers), "--lang", "de")
    assert code == EXIT_INPUT
    assert "answers.csv" in err and "Zeile 2" in err and "frequency" in err
