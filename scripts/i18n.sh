#!/usr/bin/env bash
# Regenerates each addon's translation template (<addon>/i18n/<addon>.pot) from the test
# database (run `make test` first, or set ODOO_TEST_DB to a database with the addons).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
odoo_ensure
reason=$(odoo_missing_reason)
[ -z "$reason" ] || die "Odoo 19 is not importable by $PYTHON: $reason"
DB=${ODOO_TEST_DB:-resellers_test}
pg_ensure
db_exists "$DB" || die "database $DB does not exist: run make test first"
conf="$DATA_DIR/i18n.conf"
addons=$(odoo_addons_dir)
cat >"$conf" <<CONF
[options]
db_host = $PGHOST
db_port = $PGPORT
db_user = $PGUSER
db_password = ${PGPASSWORD:-False}
addons_path = ${addons:+$addons,}$REPO
data_dir = $DATA_DIR/filestore
CONF
for addon in ${ADDONS//,/ }; do
    mkdir -p "$REPO/$addon/i18n"
    say "Exporting $addon/i18n/$addon.pot"
    "$PYTHON" -m odoo i18n export -c "$conf" -d "$DB" "$addon"
done
