#!/usr/bin/env bash
# Sets Odoo 19.0 up for this checkout when Python cannot import it (run.sh and test.sh call
# it; it can also run alone): the source in $RESELLERS_DATA/odoo, a virtual environment in
# $RESELLERS_DATA/venv with Odoo's requirements (Odoo's own pins) and requirements-dev.txt.
#   ODOO_SRC   a local git repository or an Odoo 19.0 source folder to take the source from
#              (offline machines, tests); default: a shallow clone of Odoo's official
#              repository, branch 19.0
# Prints the virtual environment's interpreter on the last line of stdout. Never changes
# ODOO_SRC: a repository is cloned from, a folder is copied.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ODOO_URL=https://github.com/odoo/odoo.git
src_dir="$DATA_DIR/odoo"
venv="$DATA_DIR/venv"

odoo_fetch_source() {
    if [ -f "$src_dir/odoo/release.py" ]; then
        return
    fi
    rm -rf "$src_dir"
    mkdir -p "$(dirname "$src_dir")"
    if [ -n "${ODOO_SRC:-}" ]; then
        [ -e "$ODOO_SRC" ] || die "ODOO_SRC=$ODOO_SRC does not exist"
        if git -C "$ODOO_SRC" rev-parse --git-dir >/dev/null 2>&1; then
            local branch=()
            git -C "$ODOO_SRC" rev-parse --verify -q 19.0 >/dev/null && branch=(--branch 19.0)
            say "Cloning Odoo from the repository $ODOO_SRC into $src_dir"
            git clone -q --depth 1 "${branch[@]}" "file://$(cd "$ODOO_SRC" && pwd)" "$src_dir"
        else
            [ -f "$ODOO_SRC/odoo/release.py" ] || die "ODOO_SRC=$ODOO_SRC is no Odoo source folder"
            say "Copying the Odoo source folder $ODOO_SRC into $src_dir"
            cp -a "$ODOO_SRC/." "$src_dir/"
        fi
    else
        command -v git >/dev/null || die "git is needed to fetch Odoo 19.0 (or set ODOO_SRC)"
        say "Cloning Odoo 19.0 (shallow) from $ODOO_URL into $src_dir"
        git clone -q --depth 1 --branch 19.0 "$ODOO_URL" "$src_dir"
    fi
    local version
    version=$(sed -n "s/^version_info = (\([0-9]*\), \([0-9]*\).*/\1.\2/p" "$src_dir/odoo/release.py")
    [ "$version" = 19.0 ] || die "the Odoo source in $src_dir is version $version, 19.0 is required"
}

odoo_make_venv() {
    local base=${ODOO_BASE_PYTHON:-python3}
    if [ ! -x "$venv/bin/python" ]; then
        say "Creating the virtual environment $venv"
        "$base" -m venv "$venv" || die "cannot create a virtual environment with $base (Debian: apt-get install python3-venv)"
    fi
    # Odoo on the path without installing it into its folder (pip install -e would write there)
    local site
    site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    echo "$src_dir" >"$site/odoo-source.pth"
    say "Installing Odoo's requirements and requirements-dev.txt into $venv"
    "$venv/bin/python" -m pip install -q -r "$src_dir/requirements.txt" -r "$REPO/requirements-dev.txt" \
        >"$DATA_DIR/logs/venv-install.log" 2>&1 || {
        tail -n 30 "$DATA_DIR/logs/venv-install.log" >&2
        die "pip could not install Odoo's requirements (see $DATA_DIR/logs/venv-install.log; Debian needs build-essential python3-dev libpq-dev libldap2-dev libsasl2-dev to build some of them)"
    }
}

odoo_fetch_source
odoo_make_venv
PYTHON="$venv/bin/python"
reason=$(odoo_missing_reason)
[ -z "$reason" ] || die "Odoo set up in $src_dir, but $PYTHON: $reason"
say "Odoo 19.0 is set up: $PYTHON"
echo "$PYTHON"
