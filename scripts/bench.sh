#!/usr/bin/env bash
# Commission benchmark: a fresh database resellers_bench (addons, no demo data), then
# scripts/bench_commission.py. Arguments go to the script (--n, --lines, --big, --referrers).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
reason=$(odoo_missing_reason)
[ -z "$reason" ] || die "Odoo 19 is not importable by $PYTHON: $reason"
DB=${ODOO_BENCH_DB:-resellers_bench}
pg_ensure
if [ "${REUSE_DB:-}" != 1 ] || ! db_exists "$DB"; then
    ! db_exists "$DB" || dropdb "$DB"
    say "Installing $ADDONS in a fresh database $DB (no demo data)"
    odoo_run -d "$DB" -i "$ADDONS" --stop-after-init --log-level=warn \
        --logfile="$DATA_DIR/logs/$DB-install.log" || die "installation failed"
fi
odoo_opts
say "Benchmark"
"$PYTHON" "$REPO/scripts/bench_commission.py" -d "$DB" "${ODOO_OPTS[@]}" --log-level=warn -- "$@"
