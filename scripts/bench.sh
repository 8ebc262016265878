#!/usr/bin/env bash
# Commission benchmark (DESIGN.md "Performance"): three fresh databases, no demo data,
#   ${ODOO_BENCH_DB}_base  sale_management, account, purchase
#   ${ODOO_BENCH_DB}_oca   the same + OCA's commission_oca, account_commission_oca,
#                          sale_commission_oca (scripts/requirements-bench.txt, installed
#                          with pip when missing)
#   ${ODOO_BENCH_DB}_ours  the same + crm_partner_assign, partner_commission
# then scripts/bench_commission.py, which compares them in one process. Arguments go to the
# script (--quick, --n, --rfq-run, --referrers, ...: see its --help).
# ODOO_BENCH_DB defaults to resellers_bench; REUSE_DB=1 keeps databases that exist (they are
# then no longer fresh: for developing the script only).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
reason=$(odoo_missing_reason)
[ -z "$reason" ] || die "Odoo 19 is not importable by $PYTHON: $reason"
DB=${ODOO_BENCH_DB:-resellers_bench}
[ -n "$ADDONS" ] || die "no crm_partner_assign/partner_commission in $REPO"

# OCA's addons: pip puts them in site-packages/odoo/addons, which Odoo finds through the
# odoo.addons namespace; the folder is also passed in --addons-path to be explicit
oca_dir() {
    "$PYTHON" -c 'import os, odoo.addons.commission_oca as m; print(os.path.dirname(os.path.dirname(m.__file__)))' 2>/dev/null
}
if ! OCA_DIR=$(oca_dir); then
    say "Installing OCA's commission addons (scripts/requirements-bench.txt)"
    "$PYTHON" -m pip install --quiet --no-deps -r "$REPO/scripts/requirements-bench.txt" \
        || die "pip could not install scripts/requirements-bench.txt (offline? set PIP_FIND_LINKS to a folder of the wheels)"
    OCA_DIR=$(oca_dir) || die "odoo.addons.commission_oca is still not importable after pip install"
fi
EXTRA_ADDONS_PATH=$OCA_DIR

pg_ensure
# each database gets its chart of accounts the same way, at the installation of `account`
# (the company has no country: the generic chart); bench_commission.py checks it
install_db() {
    local db=$1 addons=$2
    if [ "${REUSE_DB:-}" = 1 ] && db_exists "$db"; then
        return
    fi
    ! db_exists "$db" || dropdb "$db"
    say "Installing $addons in a fresh database $db (no demo data)"
    odoo_run -d "$db" -i "$addons" --stop-after-init --log-level=warn \
        --logfile="$DATA_DIR/logs/$db-install.log" || die "installation failed, see $DATA_DIR/logs/$db-install.log"
}
BASE=sale_management,account,purchase
install_db "${DB}_base" "$BASE"
install_db "${DB}_oca" "$BASE,commission_oca,account_commission_oca,sale_commission_oca"
install_db "${DB}_ours" "$BASE,$ADDONS"

odoo_opts
say "Benchmark"
"$PYTHON" "$REPO/scripts/bench_commission.py" "${ODOO_OPTS[@]}" --log-level=warn -- \
    --base "${DB}_base" --oca "${DB}_oca" --ours "${DB}_ours" "$@"
