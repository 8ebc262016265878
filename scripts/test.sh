#!/usr/bin/env bash
# Runs every check: linters, then a fresh database with the addons installed (demo data
# included) and the addons' tests with pytest-odoo against real Odoo and PostgreSQL.
# Fails when Odoo's log gets a WARNING or ERROR line. Extra arguments go to pytest (test
# paths among them replace the default: every addon). A full run also checks the upgrade of
# a database of the previous version (scripts/upgrade.sh; SKIP_UPGRADE=1 skips it). For quick iterations, REUSE_DB=1 keeps
# an existing test database (run `-u` yourself when data files changed).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$REPO"

odoo_ensure
status=0
say "Linters"
bash "$REPO/scripts/lint.sh" || status=1

reason=$(odoo_missing_reason)
if [ -n "$reason" ]; then
    echo
    echo "THE ODOO TESTS DID NOT RUN: Odoo 19 is not importable by '$PYTHON' ($reason)."
    echo "Install Odoo 19.0 Community (see README) or point ODOO_PYTHON at its interpreter."
    if [ "${CI:-}" = "true" ]; then
        echo "CI=true: failing, nothing lands untested."
        exit 1
    fi
    exit "$status"
fi

set -e
DB=${ODOO_TEST_DB:-resellers_test}
pg_ensure
if [ "${REUSE_DB:-}" = 1 ] && db_exists "$DB"; then
    say "Reusing database $DB (REUSE_DB=1)"
else
    if db_exists "$DB"; then
        dropdb "$DB"
    fi
    rm -rf "$DATA_DIR/filestore/filestore/$DB"
    install_log="$DATA_DIR/logs/$DB-install.log"
    : >"$install_log"
    say "Installing $ADDONS with demo data in a fresh database $DB"
    odoo_run -d "$DB" -i "$ADDONS" --with-demo --stop-after-init --log-level=warn \
        --logfile="$install_log" || { tail -n 40 "$install_log"; die "installation failed"; }
    check_log_clean "$install_log" "installing the addons" || exit 1
fi

test_log="$DATA_DIR/logs/$DB-test.log"
: >"$test_log"
odoo_opts
paths=()
has_path=0
for arg in "$@"; do
    [[ "$arg" == -* ]] || [ ! -e "${arg%%::*}" ] || has_path=1
done
[ $has_path = 1 ] || paths=(${ADDONS//,/ })
if [ $has_path = 0 ] && [ "${SKIP_UPGRADE:-}" != 1 ]; then
    say "Upgrade from the previous version (scripts/upgrade.sh)"
    bash "$REPO/scripts/upgrade.sh" || die "the upgrade check failed"
fi
say "pytest-odoo ${paths[*]} $*"
set +e
"$PYTHON" -m pytest "${paths[@]}" \
    --odoo-database="$DB" --odoo-log-level=warn --odoo-http \
    --odoo-addons-path="$(odoo_addons_dir),$REPO" \
    --odoo-extra="db_host=$PGHOST" --odoo-extra="db_port=$PGPORT" --odoo-extra="db_user=$PGUSER" \
    ${PGPASSWORD:+--odoo-extra="db_password=$PGPASSWORD"} \
    --odoo-extra="data-dir=$DATA_DIR/filestore" --odoo-extra="http-interface=127.0.0.1" \
    --odoo-extra="http-port=${ODOO_TEST_PORT:-8169}" \
    --odoo-extra="logfile=$test_log" \
    "$@"
rc=$?
set -e
if [ $rc -eq 0 ] && ! check_log_clean "$test_log" "running the tests"; then
    rc=1
fi
[ $status -eq 0 ] || echo "Linters failed (see above)."
[ $rc -eq 0 ] && [ $status -eq 0 ]
