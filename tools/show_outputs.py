"""Print the text outputs of notebooks (a quick read of what a reader will see)."""
import sys

import nbformat

for path in sys.argv[1:]:
    nb = nbformat.read(path, as_version=4)
    print(f"=== {path}")
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        print(f"--- [{cell.execution_count}] {cell.source.splitlines()[0] if cell.source else ''}")
        for out in cell.outputs:
            if out.output_type == "stream":
                print(f"({out.name}) {out.text.rstrip()}")
            elif out.output_type == "error":
                print(f"ERROR {out.ename}: {out.evalue}")
            else:
                print(f"({out.output_type}) {', '.join(out.get('data', {}))}")
