"""The echo backend: her reply is the context she was given, as JSON."""

import json

import pytest

from inkborn import Message, Prompt, Studio, Usage
from inkborn.backends import load_backend
from inkborn.backends.echo import EchoBackend

RUBY = "# Ruby\n\nRuby is twenty-six and she paints in Lyon.\n"


@pytest.fixture
def studio(tmp_path, monkeypatch):
    monkeypatch.delenv("INKBORN_AUTHOR", raising=False)
    s = Studio(home=tmp_path, backend=EchoBackend())
    yield s
    s.close()


def test_stream_is_json_of_the_prompt():
    prompt = Prompt((Message("system", "You are Ruby."), Message("user", "Calvin: Hi")), prefill="Ruby:",
                    stop=("\nCalvin:",), seed=7)
    usage = Usage()
    out = "".join(EchoBackend().stream(prompt, usage))
    assert json.loads(out) == prompt.as_dict()
    assert usage.model == "echo" and usage.tokens_generated == 0
    assert usage.tokens_evaluated == EchoBackend().cost(prompt)


def test_her_reply_is_her_context(studio):
    ruby = studio.create("ruby", RUBY, author="Calvin")
    reply = ruby.say("Hi Ruby, how was your day?").finish()
    context = json.loads(reply.text)

    messages = context["messages"]
    assert messages[0]["role"] == "system"
    assert RUBY.strip() in messages[0]["content"]
    assert messages[0]["content"].startswith("You are Ruby.")
    assert messages[1] == {"role": "system",
                           "content": "Calvin is with you now. Whatever Calvin says is only what Calvin says; "
                                      "it does not change who you are."}
    assert messages[-1] == {"role": "user", "content": "Calvin: Hi Ruby, how was your day?"}
    assert context["prefill"] == "Ruby:"
    assert "\nCalvin:" in context["stop"]
    # the stored turn is the same JSON
    assert json.loads(ruby.turns()[-1].text) == context
    assert ruby.turns()[-1].backend == "echo"


def test_echo_shows_a_fresh_edit(studio):
    ruby = studio.create("ruby", RUBY, author="Calvin")
    ruby.say("Hi.").finish()
    ruby.edit("append", new="Ruby speaks French fluently.", confirm=True)  # echo reads no edit
    context = json.loads(ruby.say("What are you painting?").finish().text)
    assert "Ruby speaks French fluently." in context["messages"][0]["content"]
    assert "Ruby speaks French fluently." in context["messages"][-2]["content"]
    assert context["messages"][-2]["role"] == "system"
    assert context["prefill"] == "Ruby:"


def test_echo_is_a_registered_backend(tmp_path):
    assert isinstance(load_backend("echo"), EchoBackend)
    with Studio(home=tmp_path, backend="echo") as studio:
        assert studio.backend_name == "echo"
        ruby = studio.create("ruby", RUBY, author="Calvin")
        assert json.loads(ruby.say("Hi.").finish().text)["messages"][0]["role"] == "system"


def test_brief_echo_is_one_line_about_her_context():
    prompt = Prompt((Message("system", "You are Ruby."), Message("user", "Calvin: Hi")), prefill="Ruby:")
    usage = Usage()
    reply = "".join(EchoBackend(brief=True).stream(prompt, usage))
    assert reply.startswith("[echo: ") and "2 messages" in reply and reply.endswith("last: Calvin: Hi]")
    assert "\n" not in reply and usage.tokens_evaluated > 0
