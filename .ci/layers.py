"""Checks the library's layering: no import cycle between the top-level modules of src/, and no
source file under src/ longer than the limit (default 600 lines). Exits 1 on either.

usage: python3 .ci/layers.py [LIMIT]   (from the repository root)
"""
import pathlib
import re
import sys

LIMIT = int(sys.argv[1]) if len(sys.argv) > 1 else 600
SRC = pathlib.Path("src")
TEST_MODULE = re.compile(r"^#\[cfg\(test\)\]\s*\n\s*(pub(\(crate\))?\s+)?mod \w+\s*\{", re.M)
CRATE_PATH = re.compile(r"\bcrate::(\{|\w+)")


def top_module(path):
    """The top-level module a file belongs to (None for the crate root and binaries)."""
    first = path.relative_to(SRC).parts[0]
    if first in ("lib.rs", "main.rs", "bin"):
        return None
    return first.removesuffix(".rs")


def imports(text):
    """Top-level modules named through `crate::` in code (comments and test modules dropped)."""
    cut = TEST_MODULE.search(text)
    if cut:
        text = text[: cut.start()]
    code = "\n".join(line.split("//", 1)[0] for line in text.splitlines())
    found = set()
    for match in CRATE_PATH.finditer(code):
        if match.group(1) == "{":
            found.update(group_heads(code, match.end()))
        elif match.group(1)[0].islower():
            found.add(match.group(1))
    return found


def group_heads(code, start):
    """The first segment of each path in a `use crate::{...}` group (nested groups skipped)."""
    heads, depth, item = [], 1, ""
    for char in code[start:]:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                break
        elif char == "," and depth == 1:
            heads.append(item)
            item = ""
            continue
        if depth == 1:
            item += char
    heads.append(item)
    names = (re.match(r"\s*([a-z_][a-z0-9_]*)", head) for head in heads)
    return {name.group(1) for name in names if name and name.group(1) != "self"}


def cycles(graph):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in graph.get(node, ()):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return out


def main():
    graph, long_files = {}, []
    for path in sorted(SRC.rglob("*.rs")):
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n")
        if lines > LIMIT:
            long_files.append((path, lines))
        module = top_module(path)
        if module is not None:
            graph.setdefault(module, set()).update(imports(text) - {module})
    found = cycles(graph)
    for component in found:
        print("import cycle between: " + ", ".join(component))
    for path, lines in long_files:
        print(f"{path}: {lines} lines (limit {LIMIT})")
    print(f"layers: {len(graph)} modules, {len(found)} import cycles, {len(long_files)} long files")
    return 1 if found or long_files else 0


if __name__ == "__main__":
    sys.exit(main())
