import json, sys, collections
key = {k["item"]: k for k in json.load(open(sys.argv[1]))}
t = collections.defaultdict(lambda: collections.Counter())
for l in open(sys.argv[2]):
    j = json.loads(l); k = key[j["item"]]
    c = t[k["arm"]]; c["n"] += 1
    for f in ("obeys", "natural", "good"): c[f] += bool(j[f])
for arm, c in sorted(t.items()):
    print(arm, c["n"], *(f"{f} {c[f]/c['n']:.2f}" for f in ("obeys", "natural", "good")))
