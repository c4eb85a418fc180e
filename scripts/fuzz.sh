#!/usr/bin/env bash
# Fuzz one reader of untrusted input with libFuzzer (clang, ASan + UBSan), in its own build folder.
#
#   scripts/fuzz.sh TARGET SECONDS      TARGET: checkpoint | pickle | config | image | prompt | coco
#   scripts/fuzz.sh list
#
# The run starts from the committed corpus (tests/fuzz/corpus/TARGET) plus seed files from the test data, with a
# memory limit of 2 GiB and a time limit of 10 s per input. New interesting inputs stay in build-fuzz/corpus/TARGET;
# a crash, leak, sanitizer report or slow input is written to build-fuzz/findings/ and copied into
# tests/fuzz/corpus/TARGET/, where the normal test run (ctest -R fuzz_corpus_TARGET) replays it from then on:
# fix the fault, then commit the input with the fix.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${GLIP_FUZZ_BUILD_DIR:-build-fuzz}
TARGETS="checkpoint pickle config image prompt coco"
if [[ "${1:-}" == "list" || $# -lt 2 ]]; then
  echo "usage: scripts/fuzz.sh TARGET SECONDS   (TARGET: ${TARGETS// / | })"
  [[ "${1:-}" == "list" ]] && exit 0 || exit 2
fi
TARGET=$1
SECONDS_TO_RUN=$2
[[ " $TARGETS " == *" $TARGET "* ]] || { echo "fuzz.sh: unknown target '$TARGET' (${TARGETS// / | })" >&2; exit 2; }
[[ "$SECONDS_TO_RUN" =~ ^[0-9]+$ ]] || { echo "fuzz.sh: SECONDS must be a whole number" >&2; exit 2; }

if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
  CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGLIP_FUZZ=ON
fi
cmake --build "$BUILD_DIR" --target "fuzz_$TARGET"

# Seeds: the committed corpus and the test data files the replay test uses (see tests/fuzz/CMakeLists.txt).
seeds=(tests/fuzz/corpus/"$TARGET")
case "$TARGET" in
  checkpoint) seeds+=(tests/data/io tests/data/golden/tiny-a/model_final.pth) ;;
  config) seeds+=(models/glip_Swin_T_O365_GoldG.yaml models/demo/glip_demo_tiny.yaml) ;;
  image) seeds+=(tests/data/image resources/demo) ;;
  coco) seeds+=(tests/data/coco) ;;
esac
work="$BUILD_DIR/corpus/$TARGET"
findings="$BUILD_DIR/findings/$TARGET"
mkdir -p "$work" "$findings"
for s in "${seeds[@]}"; do
  if [[ -d "$s" ]]; then find "$s" -type f -exec cp -n {} "$work/" \; ; else cp -n "$s" "$work/"; fi
done

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
"$BUILD_DIR/tests/fuzz/fuzz_$TARGET" "$work" -max_total_time="$SECONDS_TO_RUN" -rss_limit_mb=2048 -timeout=10 \
  -max_len=1048576 -print_final_stats=1 -artifact_prefix="$findings/" || status=$?

shopt -s nullglob
found=("$findings"/*)
if ((${#found[@]})); then
  cp -n "${found[@]}" "tests/fuzz/corpus/$TARGET/"
  echo "fuzz.sh: ${#found[@]} finding(s) copied to tests/fuzz/corpus/$TARGET/ (replayed by ctest -R fuzz_corpus_$TARGET)" >&2
  exit 1
fi
echo "fuzz.sh: $TARGET ran ${SECONDS_TO_RUN} s with no finding (exit $status)"
exit "$status"
