# shellcheck shell=bash
# shellcheck disable=SC2034  # the variables set here are used by the scripts sourcing it
# Shared by install-production, upgrade-production and uninstall-production (sourced).
#
# --root DIR turns the machine's paths into paths under DIR, so the tests run the real
# scripts into a temporary directory: every file is written there (config, venv, units,
# data directory), and what would change the host itself (creating the lakou user,
# chown to it, systemctl) is not run but appended to DIR/install-production.host-commands,
# one command a line, for the tests to read and for a person to replay.

set -euo pipefail

SCRIPTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CHECKOUT="$(cd "$SCRIPTS_DIR/.." && pwd)"
ROOT=""
PYTHON="${PYTHON:-python3}"
SOURCE=""              # checkout directory, wheel or sdist to install lakou from
SYSTEM_SITE=0          # venv sees the system's packages (offline installs, tests)
PIP_ARGS=()
START=1

LAKOU_USER=lakou

usage_common() {
  cat <<'EOF'
  --root DIR              install under DIR instead of / (tests); host changes are listed
                          in DIR/install-production.host-commands, not made
  --from PATH             lakou checkout, wheel (.whl) or release archive (.tar.gz)
                          (default: the checkout holding this script)
  --python PYTHON         interpreter for the virtual environment (default: python3)
  --system-site-packages  let the virtual environment use packages installed system-wide
  --pip-arg ARG           pass ARG to pip (repeatable), e.g. --pip-arg=--no-index
  --no-start              install or restart nothing in systemd (files only)
EOF
}

# Parse the options every script shares; leaves the others in REST.
parse_common() {
  REST=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --root) ROOT="$(realpath -m "$2")"; shift 2 ;;
      --root=*) ROOT="$(realpath -m "${1#*=}")"; shift ;;
      --from) SOURCE="$2"; shift 2 ;;
      --from=*) SOURCE="${1#*=}"; shift ;;
      --python) PYTHON="$2"; shift 2 ;;
      --python=*) PYTHON="${1#*=}"; shift ;;
      --system-site-packages) SYSTEM_SITE=1; shift ;;
      --pip-arg) PIP_ARGS+=("$2"); shift 2 ;;
      --pip-arg=*) PIP_ARGS+=("${1#*=}"); shift ;;
      --no-start) START=0; shift ;;
      *) REST+=("$1"); shift ;;
    esac
  done
  SOURCE="${SOURCE:-$CHECKOUT}"
  OPT="$ROOT/opt/lakou"
  VENV="$OPT/venv"
  LAKOU="$VENV/bin/lakou"
  ETC="$ROOT/etc/lakou"
  CONFIG="$ETC/lakou.yml"
  DATA="$ROOT/var/lib/lakou"
  BACKUPS="$ROOT/var/backups/lakou"
  UNITS="$ROOT/etc/systemd/system"
  HOST_LOG="$ROOT/install-production.host-commands"
  if [ -z "$ROOT" ] && [ "$(id -u)" -ne 0 ]; then
    die "run as root (or give --root DIR to install under a directory)"
  fi
}

say() { echo "lakou: $*"; }
die() { echo "lakou: error: $*" >&2; exit 1; }

# A command that changes the host (users, ownership, systemd): run it, or under --root
# record it instead.
host() {
  if [ -n "$ROOT" ]; then
    mkdir -p "$ROOT"
    local line
    line="$(printf '%q ' "$@")"
    printf '%s\n' "${line% }" >>"$HOST_LOG"
  else
    "$@"
  fi
}

# Run lakou as the lakou user (as the caller under --root, where that user may not exist).
as_lakou() {
  if [ -n "$ROOT" ]; then
    "$LAKOU" --config "$CONFIG" "$@"
  else
    # from /: the caller's directory (often /root) is closed to the lakou user
    (cd / && runuser -u "$LAKOU_USER" -- "$LAKOU" --config "$CONFIG" "$@")
  fi
}

# Put lakou (and its dependencies) into the virtual environment from SOURCE.
install_package() {
  if [ ! -x "$VENV/bin/python" ]; then
    say "creating the virtual environment $VENV"
    local flags=()
    [ "$SYSTEM_SITE" = 1 ] && flags+=(--system-site-packages)
    "$PYTHON" -m venv "${flags[@]}" "$VENV" \
      || die "cannot create a virtual environment with $PYTHON (Debian: apt-get install python3-venv)"
  fi
  local what="$SOURCE"
  if [ -d "$SOURCE" ]; then
    [ -f "$SOURCE/pyproject.toml" ] || die "$SOURCE: not a lakou checkout (no pyproject.toml)"
    what="$(realpath "$SOURCE")"
  elif [ ! -f "$SOURCE" ]; then
    die "$SOURCE: no such file or directory (--from: a checkout, a wheel or a .tar.gz)"
  fi
  say "installing lakou from $what"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    ${PIP_ARGS[@]+"${PIP_ARGS[@]}"} --upgrade --force-reinstall --no-deps "$what"
  # Dependencies separately, so --force-reinstall above never re-downloads them all.
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    ${PIP_ARGS[@]+"${PIP_ARGS[@]}"} "$what"
  "$LAKOU" --version >/dev/null || die "$LAKOU does not run: see the pip messages above"
  mkdir -p "$OPT/share/doc"
  if [ -d "$CHECKOUT/docs" ]; then cp "$CHECKOUT"/docs/*.md "$OPT/share/doc/"; fi
}

# Copy the units, with the paths rewritten under --root (so they run from there).
install_units() {
  mkdir -p "$UNITS"
  local unit
  for unit in "$CHECKOUT"/deploy/systemd/*.service "$CHECKOUT"/deploy/systemd/*.timer; do
    sed -e "s#/opt/lakou/#$ROOT/opt/lakou/#g" -e "s#/etc/lakou/#$ROOT/etc/lakou/#g" \
      -e "s#/var/lib/lakou#$ROOT/var/lib/lakou#g" \
      -e "s#/var/backups/lakou#$ROOT/var/backups/lakou#g" \
      "$unit" >"$UNITS/$(basename "$unit")"
    chmod 0644 "$UNITS/$(basename "$unit")"
  done
  # The looking glass and rs-refresh talk to BIRD's control socket, group bird.
  if getent group bird >/dev/null; then
    for unit in lakou-portal.service lakou-job@.service; do
      mkdir -p "$UNITS/$unit.d"
      install -m 0644 "$CHECKOUT/deploy/systemd/dropins/bird-group.conf" "$UNITS/$unit.d/10-bird.conf"
    done
  else
    say "no group 'bird' (BIRD not installed): the looking glass gets no BIRD socket access;"
    say "  install bird2, then run this script again"
  fi
}

unit_names() {
  local unit
  for unit in "$CHECKOUT"/deploy/systemd/*.service "$CHECKOUT"/deploy/systemd/*.timer; do
    basename "$unit"
  done
}

timer_names() {
  local unit
  for unit in "$CHECKOUT"/deploy/systemd/*.timer; do basename "$unit"; done
}
