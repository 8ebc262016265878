#!/usr/bin/env bash
# Checks the fresh-machine set-up (scripts/setup_odoo.sh): sets Odoo 19.0 up from ODOO_SRC
# (default: the source of the Odoo that python3 imports) into a temporary folder, then
# imports Odoo from the new virtual environment and checks it is the new copy. CI runs it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [ -z "${ODOO_SRC:-}" ]; then
    ODOO_SRC=$("$PYTHON" -c 'import os, odoo.release as r; print(os.path.dirname(os.path.dirname(r.__file__)))' 2>/dev/null) \
        || die "set ODOO_SRC (no Odoo importable by $PYTHON to take the source from)"
fi
# headers some of Odoo's pinned requirements build against (Debian), when we may install them
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null && ! dpkg -s libldap2-dev libsasl2-dev >/dev/null 2>&1; then
    say "Installing the build headers of python-ldap (libldap2-dev, libsasl2-dev)"
    apt-get install -y -q libldap2-dev libsasl2-dev >/dev/null 2>&1 \
        || { apt-get update -q >/dev/null && apt-get install -y -q libldap2-dev libsasl2-dev >/dev/null; }
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
say "Setting Odoo up from $ODOO_SRC into $tmp (scripts/setup_odoo.sh)"
python=$(RESELLERS_DATA=$tmp ODOO_SRC=$ODOO_SRC bash "$REPO/scripts/setup_odoo.sh" | tail -n 1)
[ "$python" = "$tmp/venv/bin/python" ] || die "setup_odoo.sh gave '$python'"
"$python" - "$tmp" <<'PY'
import os, sys
import odoo.release
import odoo.tools  # noqa: F401 - Odoo's own dependencies are importable
import psycopg2, pytest_odoo  # noqa: F401, E401 - Odoo's and the dev requirements

tmp = os.path.realpath(sys.argv[1])
where = os.path.realpath(odoo.release.__file__)
assert where.startswith(tmp + os.sep), f"odoo imported from {where}, not from {tmp}"
assert odoo.release.version_info[:2] == (19, 0), odoo.release.version
print(f"set-up check: Odoo {odoo.release.version} imported from {where}")
PY
