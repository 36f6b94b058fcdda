"""The real `screening interview` process: in a pseudo-terminal (pexpect) and from a pipe,
on the small definitions and templates (`kinds_args`)."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from screening.adapters.store import Store
from screening.core import guard
from tests.terminal import TIMEOUT, answer, interview_env, skip_and_finish, spawn


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return interview_env(tmp_path / "data")


def test_patient_mode_in_a_terminal(
    tmp_path: Path, env: dict[str, str], kinds_args: list[str]
) -> None:
    out = tmp_path / "out"
    child = spawn(["--mode", "patient", "--output-dir", str(out), *kinds_args], env)
    answer(child, "Ready to start?", "\r")
    answer(child, "Where does it hurt?", "left knee\r")
    answer(child, "How long have you had pain?", "3\r")
    child.expect_exact("Add weeks, months or years")  # refused inline, asked again
    child.send(" years\r")
    answer(child, "How bad is the pain?", "6\r")
    # Every other question skipped with Enter alone.
    assert skip_and_finish(child, 4, "Finish and send your answers?") == 0
    assert "Please let the front desk know that you are done." in (child.before or "")
    assert "Patient" not in (child.before or "")  # no summary, no identifiers on this screen
    text = next(out.glob("*.txt")).read_text()
    assert "  Where: left knee\n" in text and "  How long: 36 months (about 3 years)\n" in text
    assert text.rstrip().endswith(guard.DISCLAIMER)
    for f in out.iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600


def test_staff_mode_in_a_terminal_shows_summary_and_where(
    tmp_path: Path, env: dict[str, str], kinds_args: list[str]
) -> None:
    out = tmp_path / "out"
    child = spawn(["--output-dir", str(out), *kinds_args], env)
    answer(child, "Ready to start?", "\r")
    answer(child, "Patient's full name", "Alex Example\r")
    answer(child, "Clinic ID", "D-1\r")
    answer(child, "Date of birth", "1971-04-12\r")
    answer(child, "Where does it hurt?", "\r")
    answer(child, "How long have you had pain?", "18 months\r")
    assert skip_and_finish(child, 7, "Finish and write the summary?") == 0
    shown = child.before or ""
    assert "NEXT STEP: Discuss with a specialist." in shown
    assert "Name: Alex Example" in shown
    assert "Summary written to:" in shown
    assert sorted(p.suffix for p in out.iterdir()) == [".html", ".txt"]


def test_ctrl_c_in_a_terminal_then_resume(
    tmp_path: Path, env: dict[str, str], kinds_args: list[str]
) -> None:
    child = spawn(["--mode", "patient", "--output-dir", str(tmp_path / "out"), *kinds_args], env)
    answer(child, "Ready to start?", "\r")
    answer(child, "Where does it hurt?", "neck\r")
    answer(child, "How long have you had pain?", "2 years\r")
    child.expect_exact("How bad is the pain?")
    child.sendcontrol("c")
    answer(child, "Stop now?", "y")
    child.expect_exact("To continue: screening interview --resume ")
    child.expect(r"([0-9]{8}-[0-9]{6}-[0-9a-f]{6})")
    record_id = child.match.group(1)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    db = tmp_path / "data" / "screening.db"
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
    with Store.open(db) as store:
        assert store.get(record_id).answers == {"pain_location": "neck", "pain_duration_months": 24}

    child = spawn(["--resume", record_id, "--output-dir", str(tmp_path / "out"), *kinds_args], env)
    answer(child, "2 answers kept", "")
    answer(child, "Question 3 of 7", "")
    child.expect_exact("How bad is the pain?")
    child.sendcontrol("d")
    child.expect_exact("Input ended.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 3


def pipe(args: list[str], typed: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "screening", "interview", *args],
        input=typed,
        capture_output=True,
        text=True,
        env=env,
        timeout=TIMEOUT,
        check=False,
    )


def test_from_a_pipe_uses_plain_prompts(
    tmp_path: Path, env: dict[str, str], kinds_args: list[str]
) -> None:
    out = tmp_path / "out"
    typed = "\n".join(["y", "hip", "5 weeks", "4", *[""] * 4, "1", "y", ""])
    done = pipe(["--mode", "patient", "--output-dir", str(out), *kinds_args], typed, env)
    assert done.returncode == 0, done.stderr
    assert "not a terminal" in done.stderr
    assert "\x1b" not in done.stdout
    assert "Question 7 of 7" in done.stdout
    assert "  How long: 1.15 months (about 5 weeks)\n" in next(out.glob("*.txt")).read_text()


def test_input_ending_early_keeps_answers(
    tmp_path: Path, env: dict[str, str], kinds_args: list[str]
) -> None:
    done = pipe(["--mode", "patient", *kinds_args], "y\nshoulder\n", env)
    assert done.returncode == 3
    assert "Traceback" not in done.stderr
    assert "Input ended. The answers so far are saved as record" in done.stderr
    with Store.open(tmp_path / "data" / "screening.db") as store:
        [record] = store.records()
    assert record.answers == {"pain_location": "shoulder"}
    assert record.status == "in_progress"
    assert "shoulder" not in done.stderr


def test_prefilled_answers_are_validated(
    tmp_path: Path, env: dict[str, str], kinds_args: list[str]
) -> None:
    bad = tmp_path / "pre.yaml"
    bad.write_text("pain_intensity: 40\n")
    done = pipe(["--answers", str(bad), *kinds_args], "", env)
    assert done.returncode == 2
    assert "pre.yaml:1: pain_intensity: Enter a whole number from 0 to 10." in done.stderr


def test_prefilled_answers_show_in_the_review(
    tmp_path: Path, env: dict[str, str], kinds_args: list[str]
) -> None:
    given = tmp_path / "pre.yaml"
    given.write_text("pain_duration_months: 12\npain_location: lower back\n")
    typed = "\n".join(["y", *[""] * 5, "", "y", ""])
    done = pipe(
        [
            "--mode",
            "patient",
            "--answers",
            str(given),
            "--output-dir",
            str(tmp_path / "out"),
            *kinds_args,
        ],
        typed,
        env,
    )
    assert done.returncode == 0, done.stderr
    assert "Question 1 of 7" not in done.stdout  # the given answers are not asked again
    assert "Question 3 of 7" in done.stdout
    assert "How long have you had pain?  12 months" in done.stdout
    assert "Where does it hurt?  lower back" in done.stdout


# Staff, from a pipe: ready, name, clinic id, date of birth, where, how long, then Enter alone
# for the other seven; finish at the review and confirm.
STAFF_TYPED = ["y", "Alex Example", "D-1", "1971-04-12", "", "18 months", *[""] * 7, "1", "y"]


def test_no_summary_file_unless_asked(
    tmp_path: Path, env: dict[str, str], kinds_args: list[str]
) -> None:
    data = tmp_path / "data"
    done = pipe(kinds_args, "\n".join([*STAFF_TYPED, "", ""]), env)  # no file, thank you
    assert done.returncode == 0, done.stderr
    assert "NEXT STEP: Discuss with a specialist." in done.stdout  # on screen, from the store
    assert "Save this summary as a file too? (y/N)" in done.stdout
    assert "To print it:\n  screening summary " in done.stdout
    assert "Summary written" not in done.stdout
    assert sorted(p.name for p in data.iterdir()) == ["cache", "screening.db"]
    patient = pipe(["--mode", "patient", *kinds_args], "y\n\n3 months\n" + "\n" * 5 + "1\ny\n", env)
    assert patient.returncode == 0, patient.stderr
    assert "Save this summary" not in patient.stdout
    assert sorted(p.name for p in data.iterdir()) == ["cache", "screening.db"]
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == []


@pytest.mark.parametrize(("name", "why"), [
    ("/dev/null", "/dev/null: is not a regular file (a device or a pipe?)"),
    ("summary.pdf", "End the file name with .txt, .html, .md or .json."),
])  # fmt: skip
def test_a_refused_file_name_in_a_script_stops_with_the_record_kept(
    tmp_path: Path, env: dict[str, str], kinds_args: list[str], name: str, why: str
) -> None:
    typed = [*STAFF_TYPED, "y", name, "never read"]
    done = pipe(kinds_args, "\n".join(typed) + "\n", env)
    assert done.returncode == 2
    assert f"input line {len(STAFF_TYPED) + 2}: {why}" in done.stderr
    assert "Summary written" not in done.stdout and "Traceback" not in done.stderr


def test_staff_ask_for_a_file_at_the_end(
    tmp_path: Path, env: dict[str, str], kinds_args: list[str]
) -> None:
    wanted = tmp_path / "for-the-clinician.md"
    typed = [*STAFF_TYPED, "y", str(wanted)]
    done = pipe(kinds_args, "\n".join(typed) + "\n", env)
    assert done.returncode == 0, done.stderr
    assert f"Summary written to:\n  {wanted}\n" in done.stdout
    assert stat.S_IMODE(wanted.stat().st_mode) == 0o600
    written = wanted.read_text()
    assert written.startswith("# Test clinic questionnaire") and "Alex Example" in written


# --- In Spanish ---------------------------------------------------------------------------


def test_spanish_patient_in_a_terminal(
    tmp_path: Path, env: dict[str, str], kinds_es_args: list[str]
) -> None:
    out = tmp_path / "out"
    child = spawn(
        ["--mode", "patient", "--lang", "es", "--output-dir", str(out), *kinds_es_args], env
    )
    child.expect_exact("Sobre este formulario")
    answer(child, "¿Quiere empezar?", "s")
    answer(child, "Pregunta 1 de 7", "")
    answer(child, "¿Dónde le duele?", "la rodilla izquierda\r")
    answer(child, "¿Hace cuánto tiempo que tiene dolor?  (como 8 meses o 2 años)", "3 dias\r")
    child.expect_exact("Use semanas, meses o años, como '8 meses' o '2 años'.")
    child.send("\b" * 6 + "dos años\r")
    child.expect_exact("cifras")  # "Escriba un número en cifras y ...", redrawn in place
    child.send("\b" * 8 + "1,5 años\r")
    answer(child, "¿Qué tan fuerte es el dolor?  (del 0 al 10)", "6\r")
    answer(child, "(Espacio para marcar, Enter al terminar)", " \r")
    child.expect_exact("¿Cuáles de estos tiene? Síndrome de dolor regional complejo")
    for _ in range(3):  # treatments, opioids now, notes: skipped
        answer(child, "Pregunta", "\r")
    answer(child, "Elija una respuesta para cambiarla, o termine:", "\r")
    answer(child, "¿Terminar y enviar sus respuestas?", "s")
    child.expect_exact("Gracias. Ya terminó el formulario.")
    child.expect_exact("Número de referencia: ")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    shown = child.before or ""
    assert "Question" not in shown and "Reference" not in shown
    text = next(out.glob("*.txt")).read_text()
    assert "  Where: la rodilla izquierda\n" in text and "  How long: 18 months\n" in text
    with Store.open(tmp_path / "data" / "screening.db") as store:
        [record] = store.records()
    assert (record.language, record.answers["pain_duration_months"]) == ("es", 18)


def test_the_patients_opening_screen_offers_spanish(
    tmp_path: Path, env: dict[str, str], kinds_es_args: list[str]
) -> None:
    child = spawn(["--mode", "patient", *kinds_es_args], env)
    child.expect_exact("English / Español")
    child.send("\x1b[B\r")  # down to Español
    child.expect_exact("Sobre este formulario")
    answer(child, "¿Quiere empezar?", "s")
    answer(child, "¿Dónde le duele?", "rodilla\r")
    child.expect_exact("¿Hace cuánto tiempo que tiene dolor?")
    child.sendcontrol("c")
    answer(child, "¿Parar ahora? Las respuestas que ya dio quedan guardadas.", "s")
    child.expect_exact("Se paró. Las respuestas que ya dio quedan guardadas en el registro")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    with Store.open(tmp_path / "data" / "screening.db") as store:
        [record] = store.records()
    assert (record.language, record.answers) == ("es", {"pain_location": "rodilla"})


def test_spanish_from_a_pipe_stops_in_spanish_and_resumes_in_spanish(
    tmp_path: Path, env: dict[str, str], kinds_es_args: list[str]
) -> None:
    done = pipe(
        ["--mode", "patient", *kinds_es_args], "s\nla espalda\n", {**env, "SCREENING_LANG": "es"}
    )
    assert done.returncode == 3
    assert "La entrada no es una terminal" in done.stderr
    assert "La entrada se terminó. Las respuestas que ya dio quedan guardadas en el registro" in (
        done.stderr
    )
    assert "Pregunta 1 de 7" in done.stdout and "la espalda" not in done.stderr
    with Store.open(tmp_path / "data" / "screening.db") as store:
        [record] = store.records()
    assert record.language == "es"
    # Resumed without --lang, in a shell set to English: it goes on in the record's language.
    typed = "\n".join(["2 años", *[""] * 5, "1", "s", ""])
    done = pipe(
        ["--resume", record.id, "--output-dir", str(tmp_path / "out"), *kinds_es_args],
        typed,
        env,
    )
    assert done.returncode == 0, done.stderr
    assert (
        f"Seguimos con el registro {record.id}, donde se quedó. Respuestas guardadas: 1."
        in done.stdout
    )
    assert "Pregunta 2 de 7" in done.stdout and "Gracias." in done.stdout
    with Store.open(tmp_path / "data" / "screening.db") as store:
        assert store.get(record.id).language == "es"


def test_ctrl_o_does_not_end_a_choice_without_an_answer(
    env: dict[str, str], kinds_args: list[str]
) -> None:
    child = spawn(["--mode", "patient", "--lang", "en", *kinds_args], env)
    answer(child, "Ready to start?", "\r")
    answer(child, "Where does it hurt?", "\r")
    answer(child, "How long have you had pain?", "1 year\r")
    for _ in range(5):
        answer(child, "Question", "\r")
    answer(child, "Pick an answer to change it", "\x0f")  # once: "accept and get next line"
    child.send("\r")
    answer(child, "Finish and send your answers?", "\r")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "internal error" not in (child.before or "")


# Runs the real command; as each prompt is put, says which of these modules are loaded.
FIRST_QUESTION_SPY = """\
import sys
from screening.adapters import prompts
from screening.cli import main

run, watched = prompts.QuestionaryPrompter._run_app, sys.argv[1].split(",")

def spy(self, app, extra=None):
    print("loaded:", sorted(m for m in watched if m in sys.modules))
    return run(self, app, extra)

prompts.QuestionaryPrompter._run_app = spy
sys.argv[0:2] = ["screening"]
main()
"""
# Only needed once the answers are in (summary, rules, guard, templates), or only when a
# definitions file is read, validated and checked rather than rebuilt from the cache.
END_ONLY = (
    "pydantic",
    "screening.core.file_models",
    "screening.adapters.rendering",
    "screening.app.summaries",
    "screening.core.summary",
    "screening.core.rules",
    "screening.core.guard",
    "screening.core.checks",
    "screening.adapters.yaml_files",
    "jinja2",
    "ruamel",
    "html",
)


def loaded_at_first_question(
    args: list[str], env: dict[str, str], first: str, opening: tuple[str, ...]
) -> str:
    child = pexpect.spawn(
        sys.executable, ["-c", FIRST_QUESTION_SPY, ",".join(END_ONLY), *args], env=env,
        encoding="utf-8", timeout=TIMEOUT, dimensions=(40, 120),
    )  # fmt: skip
    for screen in opening:  # Enter at each: English, and ready to start
        answer(child, screen, "\r")
    child.expect(r"loaded: \[(.*)\]")  # as the first question is put
    loaded: str = child.match.group(1)
    child.expect_exact(first)
    child.terminate(force=True)
    return loaded


@pytest.mark.parametrize(
    ("args", "first", "opening"),
    [
        (["--mode", "staff"], "Patient's full name", ("Ready to start?",)),
        (["--mode", "patient", "--lang", "en"], "Where does it hurt?", ("Ready to start?",)),
        # The patient's opening screen names each language (English and Spanish here).
        (["--mode", "patient"], "Where does it hurt?", ("English / Español", "Ready to start?")),
    ],
    ids=["staff", "patient", "patient choosing a language"],
)
def test_the_first_question_is_put_before_the_end_is_loaded(
    env: dict[str, str], kinds_es_args: list[str], args: list[str], first: str, opening: tuple[str]
) -> None:
    command = ["interview", *args, *kinds_es_args]
    loaded_at_first_question(command, env, first, opening)  # checks the files, fills the cache
    assert loaded_at_first_question(command, env, first, opening) == ""  # rebuilt from the cache
