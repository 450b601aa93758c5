"""Write Portuguese texts into the ``.ts`` from Python dicts (a translator's helper, not a build).

    python tools/fill_translations.py cnnstudio/translations/cnnstudio_pt_BR.ts TEXTS.py...

Each TEXTS.py defines ``PT = {"English source": "texto em português", ...}`` (or a key
``("Context", "source")`` where one English text needs two translations). Messages with no
text in the dicts are left as they are; the others are marked finished.
"""

from __future__ import annotations

import runpy
import sys
import xml.etree.ElementTree as ET


def main(argv: list[str]) -> int:
    ts, *sources = argv
    texts: dict[object, str] = {}
    for source in sources:
        texts.update(runpy.run_path(source)["PT"])
    tree = ET.parse(ts)
    missing = 0
    for context in tree.getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            text = texts.get((name, source), texts.get(source))
            node = message.find("translation")
            assert node is not None
            if text is None:
                missing += node.get("type") == "unfinished"
                continue
            node.text = text
            node.attrib.pop("type", None)
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    with open(ts, encoding="utf-8") as f:
        body = f.read()
    with open(ts, "w", encoding="utf-8") as f:  # lupdate's header, so its diffs stay small
        f.write(
            body.replace(
                "<?xml version='1.0' encoding='utf-8'?>\n",
                '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n',
            )
        )
    print(f"{missing} messages still unfinished")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
