#!/usr/bin/env bash
# Stops the private PostgreSQL cluster and deletes .data/ (databases, filestore, logs).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
for pgdir in "$DATA_DIR/pg" "/tmp/resellers-pg-$(echo "$REPO" | md5sum | cut -c1-8)"; do
    [ -f "$pgdir/data/PG_VERSION" ] || continue
    bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$bindir/pg_ctl" -D "$pgdir/data" -m fast stop || true
    else
        "$bindir/pg_ctl" -D "$pgdir/data" -m fast stop || true
    fi
    rm -rf "$pgdir"
done
rm -rf "$DATA_DIR"
