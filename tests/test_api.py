"""The public API: what `inkborn` exports, and what every module says it exports."""

import ast
import importlib
import importlib.util
import pathlib
import pkgutil
import subprocess
import sys
import textwrap

import pytest

import inkborn


def _modules():
    return sorted(m.name for m in pkgutil.walk_packages(inkborn.__path__, "inkborn.")
                  if not any(part.startswith("_") for part in m.name.split(".")))


def test_all_is_sorted_and_unique():
    assert inkborn.__all__ == sorted(inkborn.__all__)
    assert len(set(inkborn.__all__)) == len(inkborn.__all__)


@pytest.mark.parametrize("name", inkborn.__all__)
def test_every_exported_name_is_importable(name):
    namespace: dict = {}
    exec(f"from inkborn import {name}", namespace)
    assert namespace[name] is getattr(inkborn, name)


def test_star_import_gives_exactly_all():
    namespace: dict = {}
    exec("from inkborn import *", namespace)
    assert sorted(k for k in namespace if k != "__builtins__") == inkborn.__all__


def test_the_main_entry_points_are_exported():
    for name in ("Studio", "Character", "Reply", "Revision", "InkbornError", "NotFound", "InvalidInput"):
        assert name in inkborn.__all__


def test_every_error_is_an_inkborn_error():
    for name in inkborn.__all__:
        obj = getattr(inkborn, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, inkborn.InkbornError), name


def test_version():
    assert isinstance(inkborn.__version__, str) and inkborn.__version__


def test_there_are_public_modules():
    names = _modules()
    for expected in ("inkborn.canon", "inkborn.character", "inkborn.manuscript", "inkborn.store", "inkborn.studio"):
        assert expected in names


def _defines_all(module_name: str) -> bool:
    """Whether the module's source assigns __all__ (read without importing it)."""
    spec = importlib.util.find_spec(module_name)
    tree = ast.parse(pathlib.Path(spec.origin).read_text("utf-8"))
    return any(
        isinstance(node, (ast.Assign, ast.AnnAssign))
        and any(isinstance(t, ast.Name) and t.id == "__all__" for t in (node.targets if isinstance(node, ast.Assign) else [node.target]))
        for node in tree.body
    )


@pytest.mark.parametrize("module_name", [m for m in _modules() if _defines_all(m)])
def test_every_public_modules_all_names_exist(module_name):
    module = importlib.import_module(module_name)
    exported = module.__all__
    assert len(set(exported)) == len(exported), f"{module_name}.__all__ has duplicates"
    missing = [name for name in exported if not hasattr(module, name)]
    assert not missing, f"{module_name}.__all__ names what it does not define: {missing}"


def test_every_module_imports_on_its_own():
    """Each module imported first, in a fresh interpreter state: no import-order or circular-import traps."""
    script = textwrap.dedent(
        """
        import importlib, sys, traceback
        failed = []
        for name in sys.argv[1:]:
            for loaded in [m for m in sys.modules if m == "inkborn" or m.startswith("inkborn.")]:
                del sys.modules[loaded]
            try:
                importlib.import_module(name)
            except Exception:
                failed.append(name + ": " + traceback.format_exc().strip().splitlines()[-1])
        print("\\n".join(failed))
        """
    )
    result = subprocess.run([sys.executable, "-c", script, *_modules()], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", "modules that fail to import on their own:\n" + result.stdout
