#!/bin/sh
# Fuzz one of romsim's readers of untrusted input with libFuzzer, for a
# long campaign: builds the fuzz targets with clang (AddressSanitizer,
# UndefinedBehaviorSanitizer and libFuzzer) in ./build-fuzz, installing the
# Debian packages that needs when they are missing, then runs the target on
# a working copy of its corpus with its dictionary.
#
#   tools/fuzz.sh TARGET [SECONDS] [-- LIBFUZZER_OPTIONS...]
#
# TARGET is scenario, replay, results or http; SECONDS defaults to 1800. New
# inputs found go to build-fuzz/corpus-TARGET (copy the interesting ones to
# tests/fuzz/corpus/TARGET); a crash is written to build-fuzz/crash-* and
# the script exits non-zero.
set -eu

cd "$(dirname "$0")/.."
target=${1:-}
case "$target" in
  scenario|replay|results|http) ;;
  -h|--help|"") sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; [ -n "$target" ]; exit $? ;;
  *) echo "fuzz.sh: unknown target '$target' (scenario, replay, results or http)" >&2; exit 2 ;;
esac
shift
seconds=1800
if [ $# -gt 0 ] && [ "$1" != "--" ]; then seconds=$1; shift; fi
[ $# -gt 0 ] && [ "$1" = "--" ] && shift

missing=""
for p in clang libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  sudo=""
  [ "$(id -u)" != 0 ] && sudo=sudo
  echo "fuzz.sh: installing$missing" >&2
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
fi
tools/setup.sh >/dev/null # the project's own packages

if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang meson setup build-fuzz -Dfuzz_engine=libfuzzer -Db_sanitize=address,undefined -Db_lundef=false \
    -Dbuildtype=debugoptimized
fi
ninja -C build-fuzz "tests/fuzz_$target"

corpus=build-fuzz/corpus-$target
mkdir -p "$corpus"
cp -n tests/fuzz/corpus/"$target"/* "$corpus"/ 2>/dev/null || true
cd build-fuzz
exec "./tests/fuzz_$target" -max_total_time="$seconds" -dict="../tests/fuzz/$target.dict" -print_final_stats=1 \
  -close_fd_mask=3 "$@" "corpus-$target"
