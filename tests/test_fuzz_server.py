"""A schema fuzzer against a real server: schemathesis reads /api/openapi.json and sends every
operation inputs made from it, those the schema allows and those it does not, as her author and as a
visitor (each on a server and home of his own, so that the author's DELETEs leave the visitor's
Ruby alone). No input may give a 5xx, and every response must be as the schema says: its status,
its content type and its body.

The figures (requests sent, 5xx, conformance failures) are printed in the test run's output.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)
from serving import serving

from inkborn.errors import NotFound
from inkborn.server import Keys, create_app
from inkborn.studio import Studio

EXAMPLES = 50  # per operation, per kind of input (the schema's own, and not)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
RUBY = "# Ruby\n\nRuby is twenty-six and she paints.\n\nShe lives above a bakery in Leeds.\n"
AUTHOR = "Calvin"


@dataclass
class Tally:
    """What one fuzzing run sent and what came back."""

    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


@pytest.fixture
def studio(inkborn_home: Path) -> Iterator[Studio]:
    studio = Studio(inkborn_home, backend="echo")
    studio.create("ruby", RUBY, author=AUTHOR)
    yield studio
    studio.close()


def fuzz(url: str, token: str, studio: Studio) -> Tally:
    """Every operation of the server's schema, EXAMPLES inputs of each kind, checked as they come back."""
    schema = schemathesis.openapi.from_url(f"{url}/api/openapi.json")
    headers = {"Authorization": f"Bearer {token}"}
    tally = Tally()

    def ruby_is_there() -> None:  # the author may have deleted her: her next request finds her again
        try:
            studio.store.character("ruby")
        except NotFound:
            studio.create("ruby", RUBY, author=AUTHOR)

    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            cases = operation.as_strategy(generation_mode=mode)

            @settings(max_examples=EXAMPLES, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
                      suppress_health_check=list(HealthCheck), print_blob=False)
            @given(case=cases, hers=st.booleans())
            def send(case, hers: bool) -> None:
                if hers:  # half the time, about her rather than nobody
                    if "slug" in (case.path_parameters or {}):
                        case.path_parameters["slug"] = "ruby"
                    if isinstance(case.body, dict) and "model" in case.body:
                        case.body["model"] = "ruby"
                ruby_is_there()
                response = case.call(base_url=url, headers=headers, timeout=30)
                tally.requests += 1
                tally.statuses[response.status_code] += 1
                try:
                    case.validate_response(response, checks=CHECKS, headers=headers)
                except FailureGroup as failure:
                    tally.failures.append(f"{operation.label} ({mode.value}): {failure}")

            try:
                send()
            except Unsatisfiable:  # an operation that takes no input has nothing to send against its schema
                assert mode is GenerationMode.NEGATIVE, operation.label
    return tally


@pytest.mark.parametrize("role", ["author", "visitor"])
def test_no_input_gives_a_server_error_or_an_answer_the_schema_does_not_state(studio, role, request):
    keys = Keys(studio)
    token = keys.author_token() if role == "author" else keys.invite("ruby", "Harry")
    began = time.monotonic()
    with serving(create_app(studio, keys=keys)) as url:
        tally = fuzz(url, token, studio)
    took = time.monotonic() - began

    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(tally.statuses.items()))
    summary = (f"schema fuzzer as {role}: {tally.requests} requests, {tally.server_errors} 5xx, "
               f"{len(tally.failures)} conformance failures, {took:.0f} s ({statuses})")
    with request.config.pluginmanager.get_plugin("capturemanager").global_and_fixture_disabled():
        print(f"\n{summary}")  # in the run's output, passed or not
    request.node.user_properties.append(("fuzz", summary))

    assert tally.requests > 0
    assert tally.server_errors == 0, summary + "\n" + "\n".join(tally.failures[:5])
    assert not tally.failures, summary + "\n" + "\n\n".join(tally.failures[:5])
