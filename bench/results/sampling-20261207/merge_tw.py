"""One blind reader file from several typewriter --for-reader outputs: each run's engine items (labelled by
run) and one run's baseline items, shuffled together; key apart."""
import json, random, sys
out = sys.argv[1]
runs = [a.split("=") for a in sys.argv[2:]]  # label=items.json ; the first run's baseline is kept
rows, manuscripts = [], {}
for i, (label, path) in enumerate(runs):
    doc = json.load(open(path)); key = {k["item"]: k for k in json.load(open(path.replace(".json", ".key.json")))}
    manuscripts.update(doc.get("manuscripts", {}))
    for it in doc["items"]:
        k = key[it["item"]]
        if k["arm"] == "baseline" and i > 0:
            continue
        rows.append((f"{label}-{k['arm']}" if k["arm"] == "engine" else "baseline", k, it))
random.Random(5).shuffle(rows)
items, keys = [], []
for n, (arm, k, it) in enumerate(rows, 1):
    it = dict(it); it["item"] = n; items.append(it)
    keys.append({**k, "item": n, "arm": arm})
doc = {k: v for k, v in json.load(open(runs[0][1])).items() if k != "items"}
doc["items"] = items
json.dump(doc, open(out + "/items.json", "w"), indent=1, ensure_ascii=False)
json.dump(keys, open(out + "/key.json", "w"), indent=1)
print(len(items), "items", {a: sum(1 for r in rows if r[0] == a) for a in {r[0] for r in rows}})
