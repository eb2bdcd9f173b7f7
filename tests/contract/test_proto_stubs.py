"""The committed stubs are what `make proto` generates, and proto/ passes buf lint."""

from __future__ import annotations

import filecmp
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "libs/contracts/src/cordial"
BUF = Path(os.environ.get("CORDIAL_CACHE", Path.home() / ".cache/cordial")) / "buf/node_modules/.bin/buf"


def _files(base: Path) -> set[str]:
    return {str(p.relative_to(base)) for p in base.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def test_committed_stubs_match_proto(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    subprocess.run([str(ROOT / "proto/generate.sh"), str(tmp_path)], check=True, env=env)
    generated = tmp_path / "cordial"
    assert _files(generated) == _files(COMMITTED), "stub files differ from proto/: run make proto"
    drifted = [f for f in sorted(_files(generated)) if not filecmp.cmp(generated / f, COMMITTED / f, shallow=False)]
    assert not drifted, f"stubs drifted from proto/: {drifted}; run make proto"


def test_buf_lint_is_clean() -> None:
    assert BUF.exists(), f"buf missing at {BUF}; run deploy/local/install.sh"
    result = subprocess.run([str(BUF), "lint"], cwd=ROOT / "proto", capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
