# Shared helpers for the dev scripts. Source it; do not run it.
#
# Settings (environment variables, all optional):
#   ODOO_PYTHON   Python interpreter that can `import odoo` (default: python3, else the
#                 one scripts/setup_odoo.sh sets up in .data/venv)
#   ODOO_SRC      where scripts/setup_odoo.sh takes Odoo 19.0 from (a git repository or a
#                 source folder; default: a shallow clone of Odoo's repository)
#   ODOO_ADDONS   Odoo's own addons folder (default: found next to the odoo package)
#   ODOO_PORT     HTTP port of the demo server (default: 8069)
#   ODOO_DB       demo database name (default: resellers_demo)
#   ODOO_TEST_DB  test database name (default: resellers_test)
#   ODOO_TEST_PORT  HTTP port of the test server, for browser tests (default: 8169, so the
#                 tests run beside the demo)
#   PGHOST, PGPORT, PGUSER, PGPASSWORD
#                 set PGHOST to use an existing PostgreSQL server; without it the scripts
#                 start a private cluster under .data/pg (port PGPORT, default 5439)
#   RESELLERS_DATA  folder for the private cluster, filestore and logs (default: .data)
#   EXTRA_ADDONS_PATH  more addons folders (comma-separated), put after the checkout

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATA_DIR=${RESELLERS_DATA:-$REPO/.data}
PYTHON=${ODOO_PYTHON:-python3}
# the suite's addons present in this checkout, in install order
ADDONS=$(for a in crm_partner_assign partner_commission; do [ -f "$REPO/$a/__manifest__.py" ] && printf '%s,' "$a"; done)
ADDONS=${ADDONS%,}
mkdir -p "$DATA_DIR/logs"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# Prints why Odoo is not usable, or nothing when `$PYTHON` imports Odoo 19.
odoo_missing_reason() {
    if ! command -v "$PYTHON" >/dev/null 2>&1; then
        echo "interpreter '$PYTHON' not found (set ODOO_PYTHON)"
        return
    fi
    "$PYTHON" - <<'EOF' 2>&1
try:
    import odoo.release
except Exception as exc:  # noqa: BLE001
    print(f"'import odoo' fails: {exc}")
else:
    if odoo.release.version_info[:2] != (19, 0):
        print(f"Odoo {odoo.release.version} found, 19.0 is required")
EOF
}

# Uses the Odoo that $PYTHON imports (as given by ODOO_PYTHON, or python3). When there is
# none and ODOO_PYTHON is not set, uses the one set up in $DATA_DIR/venv, setting it up first
# (scripts/setup_odoo.sh: Odoo 19.0 from ODOO_SRC or Odoo's repository; ODOO_SETUP=0: never).
odoo_ensure() {
    [ -n "$(odoo_missing_reason)" ] || return 0
    [ -z "${ODOO_PYTHON:-}" ] || return 0
    local venv_python="$DATA_DIR/venv/bin/python"
    if [ -x "$venv_python" ] && [ -z "$(PYTHON=$venv_python odoo_missing_reason)" ]; then
        export ODOO_PYTHON=$venv_python  # for the scripts this one calls
        PYTHON=$venv_python
        return 0
    fi
    [ "${ODOO_SETUP:-1}" = 1 ] || return 0
    local python
    python=$(bash "$REPO/scripts/setup_odoo.sh" | tail -n 1) || return 0
    export ODOO_PYTHON=$python
    PYTHON=$python
}

odoo_addons_dir() {
    if [ -n "${ODOO_ADDONS:-}" ]; then
        echo "$ODOO_ADDONS"
        return
    fi
    "$PYTHON" -c 'import os, odoo; p = os.path.join(os.path.dirname(list(odoo.__path__)[0]), "addons"); print(p if os.path.isdir(p) else "")'
}

# Private PostgreSQL cluster, started as the postgres user when we are root.
pg_private_start() {
    local bindir pgdir owner
    bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$bindir" ] || die "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin; install PostgreSQL 13+ or set PGHOST"
    export PGHOST=127.0.0.1 PGPORT=${PGPORT:-5439} PGUSER=odoo
    pgdir="$DATA_DIR/pg"
    owner=$(id -un)
    run_pg() { "$@"; }
    if [ "$(id -u)" = 0 ]; then
        owner=postgres
        run_pg() { runuser -u postgres -- "$@"; }
        mkdir -p "$pgdir"
        chown postgres: "$pgdir"
        if ! runuser -u postgres -- test -w "$pgdir"; then
            # the repo lies in a folder the postgres user cannot enter: keep the cluster in /tmp
            pgdir="/tmp/resellers-pg-$(echo "$REPO" | md5sum | cut -c1-8)"
            mkdir -p "$pgdir" && chown postgres: "$pgdir"
        fi
    fi
    mkdir -p "$pgdir"
    if [ ! -f "$pgdir/data/PG_VERSION" ]; then
        say "Creating a private PostgreSQL cluster in $pgdir"
        run_pg "$bindir/initdb" -D "$pgdir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$DATA_DIR/logs/initdb.log" 2>&1 \
            || die "initdb failed, see $DATA_DIR/logs/initdb.log"
    fi
    if ! run_pg "$bindir/pg_ctl" -D "$pgdir/data" status >/dev/null 2>&1; then
        say "Starting PostgreSQL on $PGHOST:$PGPORT (owner $owner)"
        run_pg "$bindir/pg_ctl" -D "$pgdir/data" -w -t 60 -l "$pgdir/server.log" \
            -o "-p $PGPORT -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >/dev/null \
            || die "PostgreSQL did not start, see $pgdir/server.log"
    fi
    if ! psql -U postgres -d postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname='odoo'" | grep -q 1; then
        psql -q -U postgres -d postgres -c "CREATE ROLE odoo LOGIN SUPERUSER" || die "cannot create role odoo"
    fi
}

pg_ensure() {
    if [ -n "${PGHOST:-}" ]; then
        pg_isready -q -h "$PGHOST" -p "${PGPORT:-5432}" || die "PostgreSQL at $PGHOST:${PGPORT:-5432} does not answer"
        export PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-$(id -un)}
    else
        pg_private_start
    fi
}

db_exists() {
    psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$1'" | grep -q 1
}

# Odoo command-line options shared by every call: database server, addons path, data dir.
odoo_opts() {
    local addons
    addons=$(odoo_addons_dir)
    ODOO_OPTS=(
        --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$PGUSER"
        --addons-path="${addons:+$addons,}$REPO${EXTRA_ADDONS_PATH:+,$EXTRA_ADDONS_PATH}"
        --data-dir="$DATA_DIR/filestore" --http-interface=127.0.0.1
    )
    [ -n "${PGPASSWORD:-}" ] && ODOO_OPTS+=(--db_password="$PGPASSWORD")
    return 0
}

odoo_run() {
    odoo_opts
    "$PYTHON" -m odoo "${ODOO_OPTS[@]}" "$@"
}

# Fails (and prints them) when the Odoo log file has WARNING, ERROR or CRITICAL lines.
check_log_clean() {
    local log=$1 what=$2
    if grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) ' "$log" >/dev/null; then
        echo "Odoo wrote WARNING/ERROR lines while $what ($log):" >&2
        grep -E -A3 '^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) ' "$log" | head -n 60 >&2
        return 1
    fi
}
