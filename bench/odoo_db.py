"""Odoo databases for the benchmarks: a configuration file, installs, drops.

Connection settings come from the environment, as in tools/test.sh: ODOO_DB_USER
(default "odoo"), ODOO_DB_HOST, ODOO_DB_PORT.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pg_args() -> list[str]:
    args = ["-U", os.environ.get("ODOO_DB_USER", "odoo")]
    if os.environ.get("ODOO_DB_HOST"):
        args += ["-h", os.environ["ODOO_DB_HOST"]]
    if os.environ.get("ODOO_DB_PORT"):
        args += ["-p", os.environ["ODOO_DB_PORT"]]
    return args


def write_config(db: str) -> Path:
    """An Odoo configuration file for ``db`` whose addons path holds this repository."""
    addons = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "odoo_addons_path.py"), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    lines = ["[options]", f"addons_path = {addons}", "log_level = warn", "max_cron_threads = 0"]
    lines.append(f"db_user = {os.environ.get('ODOO_DB_USER', 'odoo')}")
    for env, key in (("ODOO_DB_HOST", "db_host"), ("ODOO_DB_PORT", "db_port")):
        if os.environ.get(env):
            lines.append(f"{key} = {os.environ[env]}")
    config = Path(f"/tmp/{db}.conf")
    config.write_text("\n".join(lines) + "\n")
    return config


def install(config: Path, db: str, modules: str) -> None:
    """Install (or update) ``modules`` into ``db``, creating it if needed."""
    import odoo.release

    odoo_bin = Path(odoo.release.__file__).resolve().parent.parent / "odoo-bin"
    subprocess.run(
        [
            sys.executable,
            str(odoo_bin),
            "-c",
            str(config),
            "-d",
            db,
            "-i",
            modules,
            "--stop-after-init",
            "--no-http",
        ],
        check=True,
        env=dict(os.environ, PYTHONPATH=f"{ROOT}:{os.environ.get('PYTHONPATH', '')}"),
        stdout=subprocess.DEVNULL,
    )


def exists(db: str) -> bool:
    query = f"SELECT 1 FROM pg_database WHERE datname = '{db}'"
    out = subprocess.run(
        ["psql", *_pg_args(), "-d", "postgres", "-Atc", query], capture_output=True, text=True
    )
    return out.stdout.strip() == "1"


def drop(db: str) -> None:
    subprocess.run(["dropdb", "--if-exists", *_pg_args(), db], check=True)


def odoo_importable() -> bool:
    """Whether Odoo 19 can be imported here; says so when it cannot (nothing to measure)."""
    try:
        import odoo.release  # noqa: F401
    except ImportError:
        print("Odoo 19 is not importable here: nothing to measure.")
        return False
    return True


def open_registry(db: str, modules: str = "helpdesk_sla_advanced"):
    """The Odoo registry of ``db``, installing ``modules`` into it first when the database
    does not exist (an existing database is used as it is, never dropped)."""
    sys.path.insert(0, str(ROOT))
    config = write_config(db)
    if not exists(db):
        install(config, db, modules)
    from odoo.modules.registry import Registry
    from odoo.tools import config as odoo_config

    odoo_config.parse_config(["-c", str(config), "-d", db])
    return Registry(db)
