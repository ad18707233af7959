"""The apps and who imports whom, drawn from the code (grimp, import-linter's graph): a Mermaid diagram for
docs/architecture.md. Back-edges (a lower floor importing a higher one, see .importlinter) are drawn dashed.

    .venv/bin/python tools/app_graph.py > docs/app-graph.md
"""

import configparser
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent


def floors():
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    packages = config["importlinter"]["root_packages"].split()
    layers = [line.strip() for line in config["importlinter:contract:floors"]["layers"].splitlines() if line.strip()]
    rank = {}
    for height, layer in enumerate(reversed(layers)):
        for app in layer.split("|"):
            rank[app.strip()] = height
    return packages, layers, rank


def main():
    sys.path.insert(0, str(ROOT))
    packages, layers, rank = floors()
    graph = grimp.build_graph(*packages, include_external_packages=False)
    edges = {}
    for importer in graph.modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            a, b = importer.split(".")[0], imported.split(".")[0]
            if a != b:
                edges[(a, b)] = edges.get((a, b), 0) + 1
    print("# Who imports whom\n\nGenerated from the code by `tools/app_graph.py`; the number on an arrow is how many "
          "module-to-module imports it stands for.\n")
    print("```mermaid")
    print("flowchart TD")
    for index, layer in enumerate(layers):
        print(f"  subgraph floor{index}[\"{layer}\"]")
        for app in layer.split("|"):
            print(f"    {app.strip()}")
        print("  end")
    for (a, b), n in sorted(edges.items()):
        arrow = "-.->" if rank[a] < rank[b] else "-->"
        print(f"  {a} {arrow}|{n}| {b}")
    print("```")
    back = sorted(f"{a} → {b} ({n})" for (a, b), n in edges.items() if rank[a] < rank[b])
    print(f"\nImports between apps: {sum(edges.values())}; back-edges still to remove: "
          f"{', '.join(back) if back else 'none'}.")


if __name__ == "__main__":
    main()
