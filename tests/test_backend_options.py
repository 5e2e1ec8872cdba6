"""A backend's options: typed, from one place, in one order: flag > environment > config.toml > default."""

import pytest

from inkborn import Studio
from inkborn.backends import backend_class, parse_options
from inkborn.backends.echo import EchoBackend
from inkborn.backends.openai_compat import OpenAIBackend
from inkborn.backends.options import BackendOptions, env_name, read_options
from inkborn.errors import InvalidInput


class Sample(BackendOptions):
    n_ctx: int = 8192
    timeout: float = 120.0
    api_key: str = ""
    save_state: bool = True


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for field in Sample.model_fields:
        monkeypatch.delenv(env_name("sample", field), raising=False)


def test_text_from_the_command_line_is_read_as_each_option_means_it():
    options = read_options(Sample, "sample", parse_options(["n_ctx=16384", "timeout=30", "api_key=123456",
                                                            "save_state=false"]))
    assert (options.n_ctx, options.timeout, options.api_key, options.save_state) == (16384, 30.0, "123456", False)


def test_a_number_in_config_toml_is_text_where_text_is_meant():
    assert read_options(Sample, "sample", {}, {"api_key": 123456}).api_key == "123456"


def test_flag_beats_environment_beats_config_beats_default(monkeypatch):
    assert read_options(Sample, "sample", {}).n_ctx == 8192
    assert read_options(Sample, "sample", {}, {"n_ctx": 4096}).n_ctx == 4096
    monkeypatch.setenv("INKBORN_SAMPLE_N_CTX", "2048")
    assert read_options(Sample, "sample", {}, {"n_ctx": 4096}).n_ctx == 2048
    assert read_options(Sample, "sample", {"n_ctx": "1024"}, {"n_ctx": 4096}).n_ctx == 1024


def test_a_value_an_option_cannot_take_names_the_option_and_where_it_came_from(monkeypatch):
    with pytest.raises(InvalidInput, match=r"n_ctx = 'lots' \(from -o n_ctx\)"):
        read_options(Sample, "sample", {"n_ctx": "lots"})
    monkeypatch.setenv("INKBORN_SAMPLE_TIMEOUT", "soon")
    with pytest.raises(InvalidInput, match=r"timeout = 'soon' \(from \$INKBORN_SAMPLE_TIMEOUT\)"):
        read_options(Sample, "sample", {})
    monkeypatch.delenv("INKBORN_SAMPLE_TIMEOUT")
    with pytest.raises(InvalidInput, match=r"save_state = 'maybe' \(from \[backends.sample\] in config.toml\)"):
        read_options(Sample, "sample", {}, {"save_state": "maybe"})


def test_an_option_the_backend_does_not_have_lists_those_it_has():
    with pytest.raises(InvalidInput, match=r"has no option colour \(from -o\); its options are: api_key, n_ctx, "
                                           r"save_state, timeout"):
        read_options(Sample, "sample", {"colour": "red"})
    with pytest.raises(InvalidInput, match=r"no option colour \(from \[backends.sample\] in config.toml\)"):
        read_options(Sample, "sample", {}, {"colour": "red"})


@pytest.mark.parametrize("pair", ["n_ctx", "=3"])
def test_a_pair_without_key_and_value_is_refused(pair):
    with pytest.raises(InvalidInput, match="is not KEY=VALUE"):
        parse_options([pair])


def test_options_cannot_change_once_read():
    options = read_options(Sample, "sample", {})
    with pytest.raises(Exception):
        options.n_ctx = 1  # type: ignore[misc]


def test_the_studio_reads_config_toml_under_the_environment_and_the_flag(tmp_path, monkeypatch):
    (tmp_path / "config.toml").write_text('[backends.echo]\nbrief = true\n')
    with Studio(home=tmp_path, backend="echo") as studio:
        assert studio.backend.options.brief is True
    monkeypatch.setenv("INKBORN_ECHO_BRIEF", "false")
    with Studio(home=tmp_path, backend="echo") as studio:
        assert studio.backend.options.brief is False
    with Studio(home=tmp_path, backend="echo", options={"brief": "true"}) as studio:
        assert studio.backend.options.brief is True


def test_openai_reads_its_own_variables_last(monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://openai-env.test/v1")
    assert OpenAIBackend().base_url == "http://openai-env.test/v1"
    assert OpenAIBackend(config={"base_url": "http://config.test/v1"}).base_url == "http://config.test/v1"
    monkeypatch.setenv("INKBORN_OPENAI_BASE_URL", "http://inkborn-env.test/v1")
    assert OpenAIBackend(config={"base_url": "http://config.test/v1"}).base_url == "http://inkborn-env.test/v1"


def test_the_fake_is_found_by_name_for_tests():
    assert backend_class("fake").name == "fake"
    assert backend_class("echo") is EchoBackend
