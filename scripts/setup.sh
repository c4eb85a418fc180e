#!/usr/bin/env bash
# GLIP Studio set-up: installs the Debian packages, configures (Release, Ninja), builds, then runs what you ask.
#
#   scripts/setup.sh demo     install + build + run GLIP Studio on the bundled demo (the main program)
#   scripts/setup.sh test     install + build + run every test (what CI runs)
#   scripts/setup.sh build    install + build only
#   scripts/setup.sh deps     install the Debian packages only
#   scripts/setup.sh sanitize install + build core, CLI and core tests with ASan + UBSan (build-sanitize) + run them
#
# Once the packages are installed, a plain `cmake -S . -B build -G Ninja && cmake --build build` builds everything.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  libtorch-dev libopenblas0-pthread libgoogle-perftools-dev libcurl4-openssl-dev
  qt6-base-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools libqcustomplot-dev
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libspdlog-dev libutf8proc-dev
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev libjpeg-dev libpng-dev
  qt6-qpa-plugins qt6-translations-l10n fonts-dejavu-core
  slurm-wlm munge python3 python3-torch
)
BUILD_DIR=${BUILD_DIR:-build}
# ccache across clones: paths relative to the checkout; PCH-compatible.
export CCACHE_BASEDIR="$PWD"
export CCACHE_SLOPPINESS="pch_defines,time_macros"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

deps() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

build() {
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release
  cmake --build "$BUILD_DIR" -j "$(nproc)"
}

run_tests() {
  # One test at a time: the golden tests use both cores for libtorch.
  ctest --test-dir "$BUILD_DIR" --output-on-failure --timeout 900
}

# Core, CLI and core tests with AddressSanitizer + UndefinedBehaviorSanitizer, in their own build folder; any report
# fails the run. (libtorch itself is not instrumented; leaks are checked.)
sanitize() {
  local dir=${SANITIZE_BUILD_DIR:-build-sanitize}
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGLIP_SANITIZE=ON -DGLIP_BUILD_UI=OFF
  cmake --build "$dir" -j "$(nproc)"
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    ctest --test-dir "$dir" --output-on-failure --timeout 3600 -LE slurm
}

demo() {
  if [ -x "$BUILD_DIR/app/glip-studio/glip-studio" ]; then
    exec "$BUILD_DIR/app/glip-studio/glip-studio" --demo
  fi
  exec "$BUILD_DIR/app/glip/glip" predict --config-file models/demo/glip_demo_tiny.yaml \
    --image resources/demo/astronaut.png \
    --caption "an astronaut in a white spacesuit holding a helmet next to a flag"
}

case "${1:-build}" in
  deps) deps ;;
  build) deps; build ;;
  test) deps; build; run_tests ;;
  demo) deps; build; demo ;;
  sanitize) deps; sanitize ;;
  *) echo "usage: $0 [deps|build|test|demo|sanitize]" >&2; exit 2 ;;
esac
