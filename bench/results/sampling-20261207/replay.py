"""A/B of her sampling on the conversation reader items: each judged turn replayed with the
history she actually lived (recorded, not regenerated), then said through the product path."""
import json, sys, time
from pathlib import Path
from inkborn.bench.conversation import ConversationBench
from inkborn.bench.typewriter import scratch_home, open_backend, edit_character
from inkborn.bench.scoring import character_name
from inkborn.backends import embedded
from inkborn.studio import Studio

VARIANTS = {
    "A": dict(temperature=0.7, top_p=0.9, min_p=0.05, repeat_penalty=1.1),
    "B": dict(temperature=0.3, top_p=0.9, min_p=0.05, repeat_penalty=1.1),
    "C": dict(temperature=0.7, top_p=1.0, min_p=0.1, repeat_penalty=1.0),
    "D": dict(temperature=0.7, top_p=0.9, min_p=0.05, repeat_penalty=1.1),  # A, with the code of the day
}
current = {}
original = embedded.EmbeddedBackend._generate
def _generate(self, llm, tokens, prompt, usage):
    if prompt.aside or not current:
        yield from original(self, llm, tokens, prompt, usage); return
    v = current
    usage.count(evaluated=self._cost(tokens, prompt.cache_key))
    self._dirty = True
    n = 0
    for chunk in llm.create_completion(tokens, max_tokens=prompt.max_tokens,
            temperature=prompt.temperature - 0.7 + v["temperature"], top_p=v["top_p"], min_p=v["min_p"],
            repeat_penalty=v["repeat_penalty"], stop=list(prompt.stop) or None, seed=prompt.seed, stream=True):
        n += 1
        t = chunk["choices"][0]["text"]
        if t: yield t
    usage.count(generated=n)
embedded.EmbeddedBackend._generate = _generate

result = json.load(open(sys.argv[1]))
key = json.load(open(sys.argv[2]))
arms = sys.argv[3].split(",")
out = Path(sys.argv[4])
bench = ConversationBench("bench/conversations")
scripts = {s["id"]: s for s in bench.scripts}
replies = {(r["script"], r["turn"]): r for r in result["replies"]}
done = [json.loads(l) for l in out.open()] if out.exists() else []
have = {(d["arm"], d["case"], d["turn"]) for d in done}
with scratch_home("ab", "embedded", {}, print) as home:
    backend = open_backend(home, "embedded", {}); backend.load()
    for k in key:
        if k["arm"] != "engine": continue
        script = scripts[k["case"]]
        for arm in arms:
            if (arm, k["case"], k["turn"]) in have: continue
            current.clear(); current.update(VARIANTS[arm])
            studio = Studio(home, database=str(home / f"{arm}-{k['item']}.db"), backend=backend)
            try:
                text = bench.texts[script["manuscript"]]
                name = character_name(text, script["manuscript"])
                ch = studio.create(f"x{k['item']}-{arm.lower()}", text, name=name, author=script["author"])
                number = 0
                for entry in script["turns"]:
                    if "edit" in entry:
                        edit_character(ch, entry["edit"]); continue
                    number += 1
                    as_ = None if entry["as"] == script["author"] else entry["as"]
                    if number == k["turn"]:
                        began = time.time()
                        reply = ch.say(entry["say"], as_=as_, seed=k["seed"]); reply.finish()
                        rec = {"arm": arm, "item": k["item"], "case": k["case"], "turn": number, "message": entry["say"],
                               "reply": reply.text.strip(), "original": replies[(k["case"], number)]["reply"],
                               "seconds": round(time.time() - began, 1)}
                        print(json.dumps(rec), flush=True)
                        with out.open("a") as f: f.write(json.dumps(rec) + "\n")
                        break
                    ch.record(entry["say"], as_=as_)
                    ch.record(replies[(k["case"], number)]["reply"] or "…", as_=as_, hers=True)
            finally:
                studio.idle.stop(); studio.store.close()
