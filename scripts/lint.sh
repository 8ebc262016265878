#!/usr/bin/env bash
# Linters: ruff (lint + format), pylint-odoo with the OCA mandatory checks, XML well-formedness,
# and the OCA module checks when oca-checks-odoo-module is installed.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$REPO"
rc=0
odoo_ensure
addons=(${ADDONS//,/ })
[ ${#addons[@]} -gt 0 ] || { echo "no addon to lint"; exit 0; }

"$PYTHON" -m ruff --version >/dev/null 2>&1 || die "ruff is missing: pip install -r requirements-dev.txt"
echo "ruff check"; "$PYTHON" -m ruff check . || rc=1
echo "ruff format --check"; "$PYTHON" -m ruff format --check . || rc=1
echo "pylint-odoo (OCA mandatory checks)"
"$PYTHON" -m pylint --rcfile=.pylintrc "${addons[@]}" || rc=1
echo "XML well-formedness"
"$PYTHON" - "${addons[@]}" <<'PY' || rc=1
import pathlib, sys
from lxml import etree
bad = 0
for addon in sys.argv[1:]:
    for path in sorted(pathlib.Path(addon).rglob("*.xml")):
        try:
            etree.parse(str(path))
        except etree.XMLSyntaxError as exc:
            print(f"{path}: {exc}")
            bad += 1
print(f"{bad} malformed XML file(s)")
sys.exit(1 if bad else 0)
PY
# on PATH, or next to the interpreter (the virtual environment of scripts/setup_odoo.sh)
oca_checks=$(command -v oca-checks-odoo-module || true)
python_bin=$(dirname "$(command -v "$PYTHON")")
[ -n "$oca_checks" ] || [ ! -x "$python_bin/oca-checks-odoo-module" ] || oca_checks="$python_bin/oca-checks-odoo-module"
if [ -n "$oca_checks" ]; then
    echo "oca-checks-odoo-module"
    "$oca_checks" --no-verbose "${addons[@]/%//__manifest__.py}" \
        --disable=xml-view-dangerous-replace-low-priority,po-pretty-format,xml-oe-structure-missing-id || rc=1
fi
exit $rc
