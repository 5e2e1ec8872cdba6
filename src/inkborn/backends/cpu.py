"""What this CPU can do, and how llama.cpp must load a model on it so that her first reply does not crash.

A native build of llama.cpp (what `pip install llama-cpp-python` compiles) on a CPU with AMX
(`amx_int8`/`amx_tile`: Intel Xeon since Sapphire Rapids) repacks Q4_K weights into an AMX
buffer whose first decode segfaults (reported upstream as ggml-org/llama.cpp#20824). Loading
the model without llama.cpp's extra buffer types (`use_extra_bufts = false`) avoids the AMX
path; on other CPUs the extra buffers (weight repacking for AVX2/AVX-512) stay on, because
they are faster. The decision is made here, from /proc/cpuinfo, never left to the user.
"""

from __future__ import annotations

import contextlib
import platform
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

__all__ = ["Plan", "built_with", "cpu_flags", "load_plan", "model_params", "system_info"]

SHOWN = ("sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16",
         "avx_vnni", "amx_tile", "amx_int8", "amx_bf16")
AMX = {"amx_tile", "amx_int8", "amx_bf16"}
MODES = ("auto", "on", "off")


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> frozenset[str]:
    """The CPU's feature flags as Linux reports them (empty where there is no /proc/cpuinfo)."""
    try:
        text = cpuinfo.read_text(errors="replace")
    except OSError:
        return frozenset()
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() in ("flags", "Features"):
            return frozenset(value.split())
    return frozenset()


@dataclass(frozen=True)
class Plan:
    """How the model is loaded on this CPU, and why."""

    extra_buffers: bool
    reason: str


def load_plan(flags: frozenset[str], mode: str = "auto", built: str = "") -> Plan:
    """Whether llama.cpp may use its extra buffer types (weight repacking, AMX) on a CPU with these flags.

    `built` is what llama.cpp says it was built with (`llama_print_system_info`): a build with AMX
    counts as AMX even where the CPU's flags cannot be read.
    """
    if mode == "on":
        return Plan(True, "extra buffer types on (set by the extra_buffers option)")
    if mode == "off":
        return Plan(False, "extra buffer types off (set by the extra_buffers option)")
    amx = sorted(flags & AMX) + (["AMX in llama.cpp's build"] if "AMX_INT8 = 1" in built else [])
    if amx:
        return Plan(False, f"extra buffer types off: the CPU reports {', '.join(amx)}, and llama.cpp's AMX path "
                           "crashes at the first reply (ggml-org/llama.cpp#20824)")
    return Plan(True, "extra buffer types on: no AMX on this CPU, weights are repacked for its vector units")


_patching = threading.Lock()


@contextlib.contextmanager
def model_params(plan: Plan) -> Iterator[None]:
    """While a `Llama` is constructed, its model parameters follow the plan.

    llama-cpp-python's `Llama` takes no argument for `use_extra_bufts`; it reads the defaults from
    `llama_model_default_params()` and loads the model inside its constructor, so the defaults are
    amended for that one call.
    """
    import llama_cpp.llama_cpp as lib

    with _patching:
        original = lib.llama_model_default_params

        def amended():  # type: ignore[no-untyped-def]
            params = original()
            params.use_extra_bufts = plan.extra_buffers
            return params

        lib.llama_model_default_params = amended
        try:
            yield
        finally:
            lib.llama_model_default_params = original


def system_info() -> dict[str, str]:
    """What `inkborn doctor` shows: the CPU, the features it reports, and what llama.cpp was built with."""
    flags = cpu_flags()
    info = {
        "machine": f"{platform.machine()} {_model_name()}".strip(),
        "cpu features": " ".join(f for f in SHOWN if f in flags) or "unknown (no /proc/cpuinfo)",
    }
    try:
        import llama_cpp

        info["llama.cpp"] = f"llama-cpp-python {llama_cpp.__version__}: {built_with()}"
    except ImportError:
        info["llama.cpp"] = "not installed"
    info["model loading"] = load_plan(flags, built=built_with()).reason
    return info


def built_with() -> str:
    """The features llama.cpp's CPU backend was compiled with, as it reports them ("" if not installed)."""
    try:
        import llama_cpp
    except ImportError:
        return ""
    return llama_cpp.llama_print_system_info().decode(errors="replace").strip().rstrip("|").strip()


def _model_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                return f"({line.partition(':')[2].strip()})"
    except OSError:
        pass
    return ""
