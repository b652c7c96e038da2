#!/usr/bin/env python3
"""Print the addons_path for an Odoo 19 that `import odoo` finds.

Joins: the repository (which holds helpdesk_sla_advanced), the core addons next to
the odoo package, every directory of the ``odoo.addons`` namespace that holds an
addon (OCA wheels such as odoo-addon-helpdesk-mgmt install there), and any extra
directories given on the command line.
"""

import os
import sys

import odoo
import odoo.addons
import odoo.release


def is_addons_dir(path: str) -> bool:
    try:
        names = os.listdir(path)
    except OSError:
        return False
    return any(os.path.isfile(os.path.join(path, name, "__manifest__.py")) for name in names)


def main(argv: list[str]) -> None:
    paths = [os.path.abspath(p) for p in argv[1:] if p]
    source_root = os.path.dirname(os.path.dirname(os.path.abspath(odoo.release.__file__)))
    paths.append(os.path.join(source_root, "addons"))
    paths.extend(os.path.abspath(p) for p in odoo.addons.__path__)
    seen: list[str] = []
    for path in paths:
        for part in path.split(","):
            if part and part not in seen and is_addons_dir(part):
                seen.append(part)
    print(",".join(seen))


if __name__ == "__main__":
    main(sys.argv)
