"""Static checks of the repository, runnable without Odoo."""

from __future__ import annotations

import ast
import csv
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENGINE = ROOT / "sla_engine"
ADDON = ROOT / "helpdesk_sla_advanced"
ACCOUNT_ADDON = ROOT / "helpdesk_sla_advanced_account"
ADDONS = (ADDON, ACCOUNT_ADDON)


def _xml_files() -> list[Path]:
    return [path for addon in ADDONS for path in sorted(addon.rglob("*.xml"))]


def _python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", _python_files(ENGINE), ids=lambda p: p.name)
def test_engine_never_imports_odoo(path):
    assert not {name for name in _imported_modules(path) if name.split(".")[0] == "odoo"}


@pytest.mark.parametrize("path", _python_files(ENGINE), ids=lambda p: p.name)
def test_engine_uses_the_standard_library_only(path):
    import sys

    third_party = {
        name.split(".")[0]
        for name in _imported_modules(path)
        if name.split(".")[0] not in sys.stdlib_module_names and name.split(".")[0] != "sla_engine"
    }
    assert not third_party


def _manifest() -> dict:
    return ast.literal_eval((ADDON / "__manifest__.py").read_text(encoding="utf-8"))


def test_manifest_follows_oca_rules():
    manifest = _manifest()
    assert re.fullmatch(r"19\.0\.\d+\.\d+\.\d+", manifest["version"])
    assert manifest["license"] in {"AGPL-3", "LGPL-3"}
    assert "Odoo Community Association (OCA)" in manifest["author"]
    assert manifest["development_status"] in {"Alpha", "Beta", "Production/Stable", "Mature"}
    assert "description" not in manifest
    assert manifest["external_dependencies"] == {"python": ["sla_engine"]}
    assert {"helpdesk_mgmt", "resource", "mail"} <= set(manifest["depends"])
    assert all(value not in ("", [], {}) for value in manifest.values())


def test_manifest_files_exist_and_security_comes_first():
    manifest = _manifest()
    files = manifest["data"] + manifest.get("demo", [])
    for name in files:
        assert (ADDON / name).is_file(), name
    assert manifest["data"][0].startswith("security/")
    assert len(files) == len(set(files))


@pytest.mark.parametrize("path", _xml_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_xml_files_parse_and_use_odoo_root(path):
    root = ET.parse(path).getroot()
    if "static" in path.relative_to(ROOT).parts[1:]:  # the web client's OWL templates
        assert root.tag == "templates"
        return
    assert root.tag == "odoo"
    assert root.find("data") is None, "write <odoo noupdate=...>, not <odoo><data>"


@pytest.mark.parametrize("addon", ADDONS, ids=lambda p: p.name)
def test_xml_ids_are_unique(addon):
    ids = []
    for path in addon.rglob("*.xml"):
        root = ET.parse(path).getroot()
        ids += [node.get("id") for node in root.iter() if node.get("id") and "." not in node.get("id")]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def _declared_models() -> set[str]:
    """Models with a table (abstract models, such as mixins, have none and need no rights)."""
    models = set()
    for path in _python_files(ADDON / "models") + _python_files(ADDON / "wizards"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and not any(
                isinstance(base, ast.Attribute) and base.attr == "AbstractModel" for base in node.bases
            ):
                for item in node.body:
                    if (
                        isinstance(item, ast.Assign)
                        and any(isinstance(t, ast.Name) and t.id == "_name" for t in item.targets)
                        and isinstance(item.value, ast.Constant)
                    ):
                        models.add(item.value.value)
    return models


def test_every_model_has_access_rules():
    with (ADDON / "security" / "ir.model.access.csv").open(encoding="utf-8") as handle:
        covered = {row["model_id:id"] for row in csv.DictReader(handle)}
    for model in _declared_models():
        assert "model_" + model.replace(".", "_") in covered, model


@pytest.mark.parametrize("addon", ADDONS, ids=lambda p: p.name)
def test_one_model_per_file_named_after_it(addon):
    for path in _python_files(addon / "models"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        classes = [node for node in tree.body if isinstance(node, ast.ClassDef)]
        names = []
        for node in classes:
            for item in node.body:
                if isinstance(item, ast.Assign) and isinstance(item.value, ast.Constant):
                    if any(isinstance(t, ast.Name) and t.id in ("_name", "_inherit") for t in item.targets):
                        names.append(item.value.value)
                        break
        if names:
            assert len(names) == 1, (path.name, names)
            assert path.stem == names[0].replace(".", "_"), (path.name, names[0])


def test_readme_fragments_exist():
    for name in ("DESCRIPTION.md", "USAGE.md", "CONFIGURE.md", "CONTRIBUTORS.md", "CONTEXT.md"):
        assert (ADDON / "readme" / name).read_text(encoding="utf-8").strip(), name


@pytest.mark.parametrize(
    ("addon", "samples"),
    [
        (ADDON, ("SLA Policy", "Only SLA managers can re-evaluate tickets.", "Team Visit")),
        (ACCOUNT_ADDON, ("Service credit", "Credit Note", "SLA service credits, %(period)s")),
    ],
    ids=lambda value: value.name if isinstance(value, Path) else "",
)
def test_translations_cover_the_addon(addon, samples):
    pot = (addon / "i18n" / f"{addon.name}.pot").read_text(encoding="utf-8")
    french = (addon / "i18n" / "fr.po").read_text(encoding="utf-8")
    for text in samples:
        assert f'msgid "{text}"' in pot
        assert f'msgid "{text}"' in french
    entries = _po_entries(french)
    untranslated = [msgid for msgid, msgstr in entries.items() if msgid and not msgstr]
    assert not untranslated, untranslated[:5]
    # every message of the template is in the French file, and no French message is stale
    assert set(_po_entries(pot)) == set(entries), sorted(set(_po_entries(pot)) ^ set(entries))[:5]


def test_account_addon_manifest_follows_oca_rules():
    manifest = ast.literal_eval((ACCOUNT_ADDON / "__manifest__.py").read_text(encoding="utf-8"))
    assert manifest["version"] == "19.0.1.0.0"
    assert manifest["license"] == "AGPL-3"
    assert manifest["author"] == "helpdesk_sla_advanced developers, Odoo Community Association (OCA)"
    assert manifest["website"] == "https://github.com/OCA/helpdesk"
    assert manifest["depends"] == ["helpdesk_sla_advanced", "account"]
    assert manifest["auto_install"] is True
    assert "description" not in manifest
    assert all(value not in ("", [], {}) for value in manifest.values())
    assert manifest["data"][0].startswith("security/")
    for name in manifest["data"] + manifest.get("demo", []):
        assert (ACCOUNT_ADDON / name).is_file(), name
    for name in ("DESCRIPTION.md", "USAGE.md", "CONTRIBUTORS.md"):
        assert (ACCOUNT_ADDON / "readme" / name).read_text(encoding="utf-8").strip(), name


def _po_entries(text):
    """{msgid: msgstr} of a .po/.pot text, continued lines joined, obsolete entries skipped."""
    entries = {}
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if line and not line.startswith("#")]
        parts, key = {"msgid": [], "msgstr": []}, None
        for line in lines:
            word, _, rest = line.partition(" ")
            if word in parts:
                key, line = word, rest
            if key:
                parts[key].append(line.strip()[1:-1])
        if lines:
            entries["".join(parts["msgid"])] = "".join(parts["msgstr"])
    return entries


def test_readme_names_the_test_command_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- test-command -->")[1].split("<!-- /test-command -->")[0]
    assert block.strip() == "bash tools/test.sh"


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is not installed")
def test_ruff_finds_nothing():
    result = subprocess.run(["ruff", "check", str(ROOT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
