"""Commands that need no web app never load Flask: `check`, `verify`, `import-results`.

Each runs in a fresh interpreter, which then reports whether any Flask module was imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
WEB_MODULES = ("flask", "flask_wtf", "wtforms", "flask_login", "flask_limiter", "flask_babel",
               "werkzeug")

RUN = """
import json, sys
from trainer.cli import cli
try:
    cli.main(args=json.loads(sys.argv[1]), standalone_mode=False)
    code = 0
except SystemExit as exc:
    code = exc.code
loaded = sorted(name for name in sys.modules if name.split(".")[0] in json.loads(sys.argv[2]))
print("\\n" + json.dumps({"code": code, "loaded": loaded}))
"""


def _run(args: list[str], instance: Path) -> dict[str, object]:
    env = {**os.environ, "TRAINER_INSTANCE_PATH": str(instance)}
    env.pop("DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-c", RUN, json.dumps(args), json.dumps(WEB_MODULES)],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
                            check=False)
    report: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


def test_importing_the_cli_loads_no_flask() -> None:
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", "import trainer.cli"],
                            cwd=REPO, capture_output=True, text=True, timeout=60, check=True)
    imported = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()]
    assert "trainer.cli" in imported
    assert not [name for name in imported if name.split(".")[0] in WEB_MODULES]


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["check", str(REPO)], 0),
        (["verify", "ABCD-EFGH-JKLM"], 1),
    ],
)
def test_content_and_certificate_commands_run_without_flask(args: list[str], code: int,
                                                            tmp_path: Path) -> None:
    report = _run(args, tmp_path / "instance")
    assert report == {"code": code, "loaded": []}


def test_import_results_runs_without_flask(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    results.write_text('{"format": "not a results file"}', encoding="utf-8")
    report = _run(["import-results", "--content-root", str(REPO), str(results)],
                  tmp_path / "instance")
    assert report == {"code": 1, "loaded": []}
    assert (tmp_path / "instance" / "trainer.sqlite3").exists()  # it did reach the database
