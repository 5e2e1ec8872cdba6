"""Reader items from the A/B replies: the original items with each arm's reply, shuffled; key apart."""
import json, random, sys
orig = json.load(open(sys.argv[1]))
ab = [json.loads(l) for l in open(sys.argv[2])]
arms = sys.argv[3].split(",")
by = {i["item"]: i for i in orig["items"]}
rows = [r for r in ab if r["arm"] in arms]
random.Random(int(sys.argv[5]) if len(sys.argv) > 5 else 7).shuffle(rows)
items, key = [], []
for n, r in enumerate(rows, 1):
    it = dict(by[r["item"]]); it["item"] = n; it["reply"] = r["reply"]
    items.append(it); key.append({"item": n, "arm": r["arm"], "orig": r["item"], "case": r["case"]})
out = sys.argv[4]
json.dump({"manuscripts": orig["manuscripts"], "items": items}, open(out + "/items.json", "w"), indent=1, ensure_ascii=False)
json.dump(key, open(out + "/key.json", "w"), indent=1)
print(len(items), "items")
