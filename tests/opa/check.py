"""The built-in pack under OPA itself (opa-golib-python-bindings, OPA v1.20.2): every
policy file parses and compiles, every test_* passes, and every rule's `deny` equals
ecsaudit's own on the given graphs.

Usage: check.py ECSAUDIT_BINARY POLICY_DIR GRAPH.json...

Prints one line per stage; exits 1 on the first stage that fails, naming what differs.
"""
import json
import pathlib
import re
import subprocess
import sys

from opa_bindings import OpaEngine, OpaError

binary, policy_dir, graphs = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3:]
failed = False


def fail(message):
    global failed
    failed = True
    print(f"OPA: {message}", file=sys.stderr)


files = sorted(policy_dir.rglob("*.rego"))
engine = OpaEngine()
for f in files:
    try:
        engine.add_policy(str(f), f.read_text())
    except OpaError as e:
        fail(f"{f}: does not parse: {e}")
if failed:
    sys.exit(1)


def ecsaudit_eval(graph, query):
    out = subprocess.run([binary, "eval", "--graph", graph, query], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"ecsaudit eval {query!r} on {graph} failed: {out.stderr}")
    return json.loads(out.stdout)


# The rule parameters ecsaudit gives the rules (their METADATA defaults).
engine.add_data({"ecsaudit": {"params": ecsaudit_eval(graphs[0], "data.ecsaudit.params")}})

# Compile: the first evaluation compiles every module.
try:
    engine.eval_query("x := data.ecsaudit.lib.task_definitions", {"nodes": {}})
except OpaError as e:
    fail(f"the pack does not compile: {e}")
    sys.exit(1)
print(f"OPA: {len(files)} policy files parse and compile")

# Every test_* rule of every *_test.rego passes.
tests = []
for f in files:
    if not f.name.endswith("_test.rego"):
        continue
    text = f.read_text()
    package = re.search(r"^package\s+(\S+)", text, re.M).group(1)
    tests += [(f, package, name) for name in re.findall(r"^(test_\w+)\s+if\b", text, re.M)]
# One query for all of them (OPA compiles each distinct query); one per test only to
# say why one did not pass.
union = " | ".join(f'{{"{p}.{n}" | data.{p}.{n} == true}}' for _, p, n in tests)
try:
    [result] = engine.eval_query(f"x := {union}")
    passing = set(result["x"])
except (OpaError, ValueError):
    passing = set()
for f, package, name in tests:
    if f"{package}.{name}" in passing:
        continue
    try:
        result = engine.eval_query(f"x := data.{package}.{name}")
        fail(f"{f}: {name}: {'undefined' if not result else result}")
    except OpaError as e:
        fail(f"{f}: {name}: error: {e}")
print(f"OPA: {len(passing)} of {len(tests)} policy tests pass")

# Every rule's deny set, OPA's and ecsaudit's, on each graph.
rules = sorted({
    re.search(r"^package\s+ecsaudit\.rules\.(\S+)", f.read_text(), re.M).group(1)
    for f in files
    if not f.name.endswith("_test.rego") and re.search(r"^package\s+ecsaudit\.rules\.", f.read_text(), re.M)
})
query = "{name: r.deny | some name, r in data.ecsaudit.rules; not endswith(name, \"_test\")}"


def canonical(findings):
    return sorted(json.dumps(f, sort_keys=True) for f in findings)


compared = 0
for graph in graphs:
    # The document as ecsaudit hands it to the rules (a saved graph gets its derived
    # facts again when read).
    document = ecsaudit_eval(graph, "input")
    ours = ecsaudit_eval(graph, query)
    try:
        [theirs] = engine.eval_query(f"x := {query}", document)
    except (OpaError, ValueError) as e:
        fail(f"{graph}: OPA could not evaluate the rules: {e}")
        continue
    theirs = theirs["x"]
    for name in rules:
        a, b = canonical(ours.get(name, [])), canonical(theirs.get(name, []))
        if a != b:
            only_ours = sorted(set(a) - set(b))[:3]
            only_opa = sorted(set(b) - set(a))[:3]
            fail(f"{graph}: {name}: ecsaudit only {only_ours}, OPA only {only_opa}")
        compared += len(a)
print(f"OPA: {len(rules)} rules x {len(graphs)} graphs: {compared} findings, identical" if not failed else "OPA: differences above")
sys.exit(1 if failed else 0)
