#!/bin/sh
# Set up romsim on Debian 12: install the Debian packages it needs that are
# missing (after apt-get update), then configure and build with meson in
# ./build. Running it again only rebuilds what changed.
#
#   tools/setup.sh            set up and build
#   tools/setup.sh --asan     the same in ./build-asan, with AddressSanitizer
#                             and UndefinedBehaviorSanitizer
set -eu

cd "$(dirname "$0")/.."

# What each package is for is in README.md ("Dependencies").
packages="gcc libc6-dev pkgconf meson ninja-build libuv1-dev libsqlite3-dev sqlite3 libyaml-dev libcriterion-dev
zlib1g-dev chromium libhttp-parser-dev libjs-dygraphs"

builddir=build
options="-Dwerror=true"
case "${1:-}" in
  "") ;;
  --asan) builddir=build-asan
          # Undefined behaviour stops the program, so a test that meets it fails.
          options="$options -Db_sanitize=address,undefined -Db_lundef=false -Dc_args=-fno-sanitize-recover=undefined" ;;
  -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "setup.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
esac

missing=""
# Node.js and npm for the browser test (tests/browser): Debian's, unless a
# node with its npm is there already.
if ! command -v npm >/dev/null 2>&1; then packages="$packages nodejs npm"; fi
for p in $packages; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
if [ -n "$missing" ]; then
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo=sudo; else
      echo "setup.sh: these packages are missing and this is not root:$missing" >&2; exit 2
    fi
  fi
  echo "setup.sh: installing$missing" >&2
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
fi

# The browser test's tooling, pinned by tests/browser/package-lock.json,
# from npm's registry (puppeteer-core drives Debian's chromium: it
# downloads no browser).
if [ ! -d tests/browser/node_modules/puppeteer-core ]; then
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ ! -f "$builddir/build.ninja" ]; then
  # shellcheck disable=SC2086
  meson setup "$builddir" $options
fi
ninja -C "$builddir"
