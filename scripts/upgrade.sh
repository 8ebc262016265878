#!/usr/bin/env bash
# Upgrade check: a database of the previous version of the addons (git revision
# UPGRADE_FROM, default the last 19.0.1 commit) with its demo data (paid referred invoices,
# commission RFQs, a refund clawed back) is upgraded to this checkout's code; then
# scripts/upgrade_check.py checks that no commission was lost or doubled: the net booked per
# invoice is the same before and after, and syncing every invoice again books nothing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
odoo_ensure
reason=$(odoo_missing_reason)
[ -z "$reason" ] || die "Odoo 19 is not importable by $PYTHON: $reason"
FROM=${UPGRADE_FROM:-63fbab5}
DB=${ODOO_UPGRADE_DB:-resellers_upgrade}
if ! git -C "$REPO" rev-parse --verify -q "$FROM^{commit}" >/dev/null; then
    echo "UPGRADE CHECK NOT RUN: revision $FROM is not in this clone (a shallow clone?)."
    exit 0
fi
OLD=$(mktemp -d)
trap 'rm -rf "$OLD"' EXIT
git -C "$REPO" archive "$FROM" crm_partner_assign partner_commission | tar x -C "$OLD"
pg_ensure
! db_exists "$DB" || dropdb "$DB"
log="$DATA_DIR/logs/$DB.log"
: >"$log"
addons=$(odoo_addons_dir)
say "Installing the addons at $FROM with demo data in $DB"
"$PYTHON" -m odoo --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$PGUSER" \
    ${PGPASSWORD:+--db_password="$PGPASSWORD"} --addons-path="$addons,$OLD" \
    --data-dir="$DATA_DIR/filestore" --http-interface=127.0.0.1 -d "$DB" -i "$ADDONS" --with-demo --stop-after-init \
    --log-level=warn --logfile="$log" || die "installing the old version failed, see $log"
odoo_opts
say "Upgrading $DB to this checkout and checking the ledger"
"$PYTHON" "$REPO/scripts/upgrade_check.py" -d "$DB" "${ODOO_OPTS[@]}" --log-level=warn \
    --logfile="$log"
check_log_clean "$log" "upgrading" || exit 1
dropdb "$DB"
