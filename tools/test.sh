#!/usr/bin/env bash
# The project's one test command (README.md, "Test"): engine tests, static checks, and,
# wherever `python3 -c "import odoo"` works, the Odoo tests of helpdesk_sla_advanced and of
# helpdesk_sla_advanced_account (which pulls Invoicing, `account`) run through pytest-odoo, in
# one pytest run, on a database created for the run and dropped after it.
#
# Environment (all optional):
#   ODOO_DB_HOST / ODOO_DB_PORT / ODOO_DB_USER   PostgreSQL access for Odoo (default: the
#                        local socket, role "odoo", created as a superuser if missing)
#   ODOO_ADDONS_PATH     extra addons directories (helpdesk_mgmt from PyPI is found by itself)
#   SLA_KEEP_DB=1        keep the test database afterwards (its name is printed)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export PYTHONPATH="$root${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONDONTWRITEBYTECODE=1

if ! python3 -c "import odoo" >/dev/null 2>&1; then
    # conftest.py prints the loud "Odoo tests SKIPPED" banner with their count
    exec python3 -m pytest tests -q -p no:cacheprovider -p no:odoo "$@"
fi

db_user=${ODOO_DB_USER:-odoo}
pg=(psql -X -q -v ON_ERROR_STOP=1)
[ -n "${ODOO_DB_HOST:-}" ] && pg+=(-h "$ODOO_DB_HOST")
[ -n "${ODOO_DB_PORT:-}" ] && pg+=(-p "$ODOO_DB_PORT")
if ! "${pg[@]}" -U "$db_user" -d postgres -Atc "select 1" >/dev/null 2>&1; then
    "${pg[@]}" -U postgres -d postgres -c "CREATE ROLE \"$db_user\" LOGIN SUPERUSER" >/dev/null
fi

db="sla_ci_$(date +%s)_$$"
conf=$(mktemp --suffix=.conf)
odoo_dir=$(python3 -c "import odoo.release, os; print(os.path.dirname(os.path.dirname(odoo.release.__file__)))")
addons_path=$(python3 "$root/tools/odoo_addons_path.py" "$root" ${ODOO_ADDONS_PATH:+"$ODOO_ADDONS_PATH"})
{
    echo "[options]"
    echo "addons_path = $addons_path"
    echo "db_user = $db_user"
    [ -n "${ODOO_DB_HOST:-}" ] && echo "db_host = $ODOO_DB_HOST"
    [ -n "${ODOO_DB_PORT:-}" ] && echo "db_port = $ODOO_DB_PORT"
    echo "log_level = warn"
    echo "max_cron_threads = 0"
} >"$conf"
cleanup() {
    if [ -z "${SLA_KEEP_DB:-}" ]; then
        for name in "$db" "${db}_nodemo"; do
            "${pg[@]}" -U "$db_user" -d postgres -c "DROP DATABASE IF EXISTS \"$name\"" >/dev/null 2>&1 || true
        done
    else
        echo "kept database $db (config $conf)"
    fi
    [ -n "${SLA_KEEP_DB:-}" ] || rm -f "$conf"
}
trap cleanup EXIT

modules=helpdesk_sla_advanced,helpdesk_sla_advanced_account
if python3 -c "import odoo.addons.helpdesk_mgmt_sla" >/dev/null 2>&1; then
    # OCA's module, which this addon replaces, must be able to live in the same database
    modules="$modules,helpdesk_mgmt_sla"
fi
install() {  # install DB WITH_DEMO_FLAG
    local log="$conf.$1.log"
    if ! python3 "$odoo_dir/odoo-bin" -c "$conf" -d "$1" -i "$modules" $2 --stop-after-init --no-http >"$log" 2>&1 \
        || grep -qE " (ERROR|CRITICAL) " "$log"; then
        grep -E " (ERROR|CRITICAL) |Traceback" -A 20 "$log" | tail -n 60
        echo "FAILED: installing $modules into $1 ($2)"
        exit 1
    fi
    rm -f "$log"
}
echo "== installing $modules without demo data into ${db}_nodemo"
install "${db}_nodemo" ""
"${pg[@]}" -U "$db_user" -d postgres -c "DROP DATABASE IF EXISTS \"${db}_nodemo\"" >/dev/null
echo "== installing $modules with demo data into $db"
install "$db" --with-demo

python3 -m pytest tests helpdesk_sla_advanced/tests helpdesk_sla_advanced_account/tests \
    -q -p no:cacheprovider --odoo-http --odoo-config="$conf" --odoo-database="$db" "$@"
