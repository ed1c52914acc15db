#!/usr/bin/env bash
# Installs each package alone into an empty virtual environment (only its declared
# dependencies) and runs its unit tests there, so no package leans on a sibling it does not
# declare. keywire-resp runs twice: without and with hiredis.
set -euo pipefail
python=${1:-python3}
root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/.tools/isolated"
rm -rf "$work"
mkdir -p "$work"
constraints="$work/constraints.txt"
# One source of pins: the workspace's constraint-dependencies (names and versions only).
"$python" - "$root/pyproject.toml" >"$constraints" <<'PY'
import sys, tomllib
with open(sys.argv[1], "rb") as f:
    print("\n".join(tomllib.load(f)["tool"]["uv"]["constraint-dependencies"]))
PY

run_tests() { # venv, tests dir
  local venv=$1 tests=$2
  # The workspace pytest config needs plugins an isolated venv lacks: give the options here.
  local options=(-c /dev/null --rootdir "$tests" -q -p no:cacheprovider --import-mode=importlib
                 --strict-markers -W error
                 -o $'markers=integration: needs a real server\ncluster: needs a cluster\nslow: long-running')
  if "$venv/bin/python" -c "import pytest_asyncio" 2>/dev/null; then
    options+=(-o asyncio_default_fixture_loop_scope=function)
  fi
  (cd "$work" && "$venv/bin/python" -m pytest "${options[@]}" -m "not integration" "$tests")
}

new_venv() { # name, pip args...
  local venv="$work/$1"; shift
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -c "$constraints" "$@"
  echo "$venv"
}

echo "=== keywire-resp alone, pure Python ==="
venv=$(new_venv resp "$root/packages/resp" pytest hypothesis)
"$venv/bin/python" -c "import keywire_resp as r; assert not r.HIREDIS_AVAILABLE; print('hiredis absent: ok')"
run_tests "$venv" "$root/packages/resp/tests"
echo "=== keywire-resp alone, with hiredis ==="
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -c "$constraints" hiredis
"$venv/bin/python" -c "import keywire_resp as r; assert r.HIREDIS_AVAILABLE; print('hiredis present: ok')"
run_tests "$venv" "$root/packages/resp/tests"

for pkg in cache client tracking replication; do
  echo "=== packages/$pkg installs with its declared dependencies ==="
  # Siblings are not on the index yet: install the ones it declares from the tree, no deps
  # beyond them, then check it imports.
  deps=()
  case $pkg in
    client|replication) deps=("$root/packages/resp") ;;
  esac
  case $pkg in
    replication) deps+=("$root/packages/client") ;;
    tracking) deps=("$root/packages/resp" "$root/packages/client" "$root/packages/cache") ;;
  esac
  target="$root/packages/$pkg"
  if grep -q "^test = " "$target/pyproject.toml"; then target="$target[test]"; fi
  venv=$(new_venv "$pkg" "${deps[@]}" "$target" pytest)
  if compgen -G "$root/packages/$pkg/tests/test_*.py" >/dev/null; then
    run_tests "$venv" "$root/packages/$pkg/tests"
  else
    imp=$(basename "$(ls -d "$root/packages/$pkg/src"/*/)")
    "$venv/bin/python" -c "import $imp; print('$imp imports alone (no tests yet)')"
  fi
done
