#!/usr/bin/env bash
# Simulation benchmark (issue "rule engine"): a fresh database without demo data with the
# addons, then scripts/bench_simulation.py (arguments go to it: --n, --lines, --referrers).
# ODOO_BENCH_DB defaults to resellers_bench_sim.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
reason=$(odoo_missing_reason)
[ -z "$reason" ] || die "Odoo 19 is not importable by $PYTHON: $reason"
DB=${ODOO_BENCH_DB:-resellers_bench_sim}
pg_ensure
! db_exists "$DB" || dropdb "$DB"
say "Installing $ADDONS in a fresh database $DB (no demo data)"
odoo_run -d "$DB" -i "$ADDONS" --stop-after-init --log-level=warn \
    --logfile="$DATA_DIR/logs/$DB-install.log" || die "installation failed, see $DATA_DIR/logs/$DB-install.log"
odoo_opts
say "Simulation benchmark"
"$PYTHON" "$REPO/scripts/bench_simulation.py" "${ODOO_OPTS[@]}" --log-level=warn -- --db "$DB" "$@"
