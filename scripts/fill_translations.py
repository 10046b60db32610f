"""Fill the English catalogue from a {msgid: msgstr} dictionary module (keeps existing translations)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "voting/translations/en/LC_MESSAGES/messages.po"


def main(source: str) -> None:
    spec = importlib.util.spec_from_file_location("translations", source)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    missing = []
    for message in catalog:
        if message.id and not message.string:
            if message.id in module.EN:
                message.string = module.EN[message.id]
            else:
                missing.append(message.id)
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=100)
    print(f"{len(missing)} untranslated")
    for msgid in missing:
        print("  ", msgid)


if __name__ == "__main__":
    main(sys.argv[1])
