#!/usr/bin/env bash
# Starts the demo: PostgreSQL (private cluster unless PGHOST is set), a database with the
# suite's addons and their demo data (created on the first run), Odoo on http://localhost:8069.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

odoo_ensure
reason=$(odoo_missing_reason)
[ -z "$reason" ] || die "Odoo 19 is not importable by $PYTHON: $reason. Install Odoo 19.0 (see README) or set ODOO_PYTHON."
[ -n "$ADDONS" ] || die "no addon found in $REPO"

DB=${ODOO_DB:-resellers_demo}
PORT=${ODOO_PORT:-8069}
pg_ensure
if ! db_exists "$DB"; then
    say "Creating database $DB with $ADDONS and demo data (a few minutes)"
    odoo_run -d "$DB" -i "$ADDONS" --with-demo --stop-after-init --log-level=warn \
        --logfile="$DATA_DIR/logs/demo-install.log" \
        || die "installation failed, see $DATA_DIR/logs/demo-install.log"
else
    say "Database $DB exists; updating $ADDONS"
    odoo_run -d "$DB" -u "$ADDONS" --stop-after-init --log-level=warn \
        --logfile="$DATA_DIR/logs/demo-install.log" \
        || die "update failed, see $DATA_DIR/logs/demo-install.log"
fi

cat <<MSG

  Odoo is starting on http://localhost:$PORT (database $DB)
    internal user (sales manager):  admin / admin
    salesperson:                    demo / demo
    portal partner (Gold level):    portal.gold@example.com / portal
  Stop it with Ctrl+C. Data lives in ${DATA_DIR}.

MSG
# the server's log goes to the terminal and to $DATA_DIR/logs/demo.log
exec > >(tee -a "$DATA_DIR/logs/demo.log") 2>&1
exec "$PYTHON" -m odoo "${ODOO_OPTS[@]}" -d "$DB" --db-filter="^$DB\$" --http-port="$PORT" "$@"
