"""The shape of the code: no import loops, and a store with no domain logic in it."""

import grimp
import pytest


@pytest.fixture(scope="module")
def graph():
    # imports only for type checking (`if TYPE_CHECKING:`) are not loops at run time
    return grimp.build_graph("inkborn", exclude_type_checking_imports=True)


def _loops(graph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm, iteratively)."""
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    loops: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            for j in range(i, len(edges[node])):
                nxt = edges[node][j]
                if nxt not in index:
                    work.append((node, j + 1))
                    work.append((nxt, 0))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        loops.append(sorted(group))
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
    return loops


def test_the_loop_finder_finds_a_loop():
    made = grimp.ImportGraph()
    for module in ("a", "b", "c", "d"):
        made.add_module(module)
    made.add_import(importer="a", imported="b")
    made.add_import(importer="b", imported="c")
    made.add_import(importer="c", imported="a")
    made.add_import(importer="c", imported="d")
    assert _loops(made) == [["a", "b", "c"]]


def test_no_import_loops(graph):
    assert _loops(graph) == []


@pytest.mark.parametrize("domain", ["inkborn.canon", "inkborn.stage", "inkborn.promises", "inkborn.keeping",
                                    "inkborn.reply", "inkborn.character", "inkborn.studio", "inkborn.server"])
def test_the_store_holds_no_domain_logic(graph, domain):
    assert not graph.chain_exists(importer="inkborn.store", imported=domain, as_packages=True)


def test_the_server_goes_through_the_python_api_never_the_store(graph):
    """The server reaches what is kept only through Studio and Character (as the CLI does)."""
    assert not graph.direct_import_exists(importer="inkborn.server", imported="inkborn.store", as_packages=True)
