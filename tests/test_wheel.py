"""The package as a researcher installs it: a wheel in a fresh virtual environment, run from another folder."""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from kzanalysis import config

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel built from this checkout installed (not editable).

    Its dependencies come from the test environment's site-packages through a path line (a ``.pth`` file in a
    folder that is not a site folder is not run, so this environment's editable install of kzanalysis is not
    seen); kzanalysis itself comes only from the wheel.
    """
    if not (config.PROJECT_ROOT / "pyproject.toml").exists():
        pytest.skip("not running from a checkout")
    root = tmp_path_factory.mktemp("wheel")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(root / "dist"),
                            str(config.PROJECT_ROOT)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next((root / "dist").glob("kzanalysis-*.whl"))
    env_dir = root / "env"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    (Path(purelib) / "test-dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    done = subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return env_dir


def _run(env_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    # nbconvert's templates are data files of the environment that installed nbconvert (share/jupyter), which the
    # path line does not carry over: name that folder, as a second environment sharing these packages would
    shared = str(Path(sys.prefix) / "share" / "jupyter")
    return subprocess.run(list(args), capture_output=True, text=True, cwd=cwd,
                          env={**environ, "PATH": f"{env_dir / 'bin'}:{environ.get('PATH', '')}",
                               "JUPYTER_PATH": shared})


def test_the_wheel_loads_the_seed_corpus_and_its_rules_from_the_installed_package(installed: Path, tmp_path: Path) -> None:
    code = ("import kzanalysis as kz; from kzanalysis import config; "
            "paras = kz.paragraphs(kz.load_corpus()); print(len(paras), paras['is_boilerplate'].sum()); "
            "print(config.DATA_DIR); print(config.NOTEBOOKS_DIR); print(kz.__file__)")
    out = _run(installed, str(installed / "bin" / "python"), "-c", code, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    counts, data_dir, notebooks_dir, module = out.stdout.split("\n")[:4]
    assert counts == "143 23"
    for path in (data_dir, notebooks_dir, module):
        assert str(installed) in path and str(config.PROJECT_ROOT) not in path, path


def test_the_installed_command_runs_the_series_and_copies_the_notebooks(installed: Path, tmp_path: Path) -> None:
    version = _run(installed, "kzanalysis", "--version", cwd=tmp_path)
    assert version.stdout.startswith("kzanalysis ")
    copied = _run(installed, "kzanalysis", "notebooks", "my-series", cwd=tmp_path)
    assert copied.returncode == 0 and len(list((tmp_path / "my-series").glob("0*.ipynb"))) == 6, copied.stderr
    out = _run(installed, "kzanalysis", "report", "--out", "seed-report", cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr[-3000:]
    assert "index: seed-report/index.html" in out.stdout
    html = tmp_path / "seed-report" / "html" / "00-corpus-overview.html"
    assert html.exists() and "Findings on this corpus" in html.read_text(encoding="utf-8")
    assert not (config.PROJECT_ROOT / "seed-report").exists()


def test_the_installed_package_runs_the_partitioned_stages_on_a_local_cluster(installed: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    code = (
        "import json, pathlib\n"
        "import kzanalysis as kz\n"
        "if __name__ == '__main__':\n"
        "    folder = pathlib.Path('parts'); folder.mkdir()\n"
        "    corpus = kz.load_corpus()\n"
        "    for n, rows in enumerate([corpus.iloc[::2], corpus.iloc[1::2]]):  # the seed pair in two parts\n"
        "        rows[['doc_id', 'outlet', 'text']].to_json(folder / f'part-{n}.jsonl', orient='records', lines=True)\n"
        "    parts = kz.corpus_parts(folder)\n"
        "    whole = parts.load()\n"
        "    kz.parallel.use_scheduler('local')\n"
        "    pairs = kz.overlap.near_duplicates(parts, threshold=0.1)\n"
        "    features = kz.tfidf(parts)\n"
        "    kz.parallel.use_scheduler(None)\n"
        "    same = pairs.equals(kz.overlap.near_duplicates(whole, threshold=0.1))\n"
        "    here = kz.tfidf(kz.body_paragraphs(kz.paragraphs(whole)))\n"
        "    print(json.dumps([len(pairs), same, (features.matrix != here.matrix).nnz, kz.__file__]))\n"
    )
    (tmp_path / "parts_run.py").write_text(code, encoding="utf-8")
    out = _run(installed, str(installed / "bin" / "python"), "parts_run.py", cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-3000:]
    n_pairs, same, differing, module = json.loads(out.stdout.strip().splitlines()[-1])
    assert n_pairs == 1 and same and differing == 0
    assert str(installed) in module
