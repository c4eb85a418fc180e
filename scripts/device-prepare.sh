#!/usr/bin/env bash
# Prepares this checkout for scripts/device-check.sh on a GPU machine lent through the `device` tool (docs/GPU.md).
#
#   scripts/device-prepare.sh            # 1. the dependencies the GPU machine lacks -> .device-deps/ (git-ignored)
#                                        # 2. parks the large test files the check does not read (moved to
#                                        #    $GLIP_PARK_DIR, default /tmp/glip-device-parked) so that what travels
#                                        #    stays under the tool's 64 MiB, and prints that size
#   ... device run: command "bash scripts/device-check.sh", carry [".device-deps"] ...
#   scripts/device-prepare.sh --restore  # puts the parked files back (always do this before committing)
#
# The GPU machine has nvcc, CMake, ninja and a Python PyTorch with CUDA, but no Debian packages and no network. The
# libraries core/ and the `glip` CLI need besides libtorch (yaml-cpp, spdlog + fmt, CLI11, nlohmann-json, utf8proc,
# libjpeg, libpng, zlib) are fetched here with `apt-get download` and unpacked with `dpkg -x` (headers, shared
# libraries and CMake files; no static libraries or documentation). OpenCV and libcurl are not needed: that build
# has GLIP_OPENCV and GLIP_DOWNLOADS off.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
deps="$root/.device-deps"
park="${GLIP_PARK_DIR:-/tmp/glip-device-parked}"
limit_mib=64

# Tracked files the device check does not read: the golden intermediates (.pt) except the two it compares layer by
# layer, the demo model (a copy of tiny-a's golden checkpoint), screenshots.
parked_files() {
  git ls-files -- 'tests/data/golden/*.pt' 'models/demo/model_final.pth' 'docs/screenshots/*' |
    grep -v -e '^tests/data/golden/tiny-a/coffee.det.pt$' -e '^tests/data/golden/tiny-a/astronaut.grd.pt$' || true
}

if [[ "${1:-}" == "--restore" ]]; then
  [[ -d "$park" ]] || { echo "nothing parked in $park"; exit 0; }
  (cd "$park" && find . -type f -print0) | while IFS= read -r -d '' f; do
    mkdir -p "$(dirname "$root/$f")"
    mv "$park/$f" "$root/$f"
  done
  rm -rf "$park"
  git status --short | grep '^ D' && { echo "some tracked files are still missing" >&2; exit 1; }
  echo "restored; the working tree is complete again"
  exit 0
fi

# 1. Dependencies.
packages=(libyaml-cpp-dev libyaml-cpp0.7 libspdlog-dev libspdlog1.10 libfmt-dev libfmt9 libcli11-dev
          nlohmann-json3-dev libutf8proc-dev libutf8proc2 libjpeg62-turbo-dev libjpeg62-turbo libpng-dev libpng16-16
          zlib1g-dev zlib1g)
if [[ ! -f "$deps/.complete" ]]; then
  rm -rf "$deps"
  mkdir -p "$deps/debs" "$deps/root"
  chmod 777 "$deps/debs"  # apt's _apt user writes the downloads
  (cd "$deps/debs" && apt-get download "${packages[@]}")
  for f in "$deps"/debs/*.deb; do dpkg -x "$f" "$deps/root"; done
  rm -rf "$deps/debs" "$deps/root/usr/share/doc" "$deps/root/usr/share/man" "$deps/root/usr/share/lintian"
  find "$deps/root" -name '*.a' -delete
  # Absolute links (libz.so -> /lib/x86_64-linux-gnu/libz.so.1.2.13) would point outside the folder there.
  find "$deps/root" -type l | while IFS= read -r l; do
    t=$(readlink "$l")
    if [[ "$t" == /* && -e "$deps/root$t" ]]; then ln -sfn "$(realpath --relative-to="$(dirname "$l")" "$deps/root$t")" "$l"; fi
  done
  touch "$deps/.complete"
fi
echo "dependencies: $(du -sh "$deps" | cut -f1) in .device-deps/"

# 2. Park what the check does not need.
mkdir -p "$park"
while IFS= read -r f; do
  [[ -f "$f" ]] || continue
  mkdir -p "$park/$(dirname "$f")"
  mv "$f" "$park/$f"
done < <(parked_files)

# What the device tool sends: tracked files present, untracked files not ignored, and the carried .device-deps.
bytes=$( { git ls-files -z --cached --others --exclude-standard | xargs -0 -r stat -c %s 2>/dev/null || true;
           find "$deps" -type f -printf '%s\n'; } | awk '{s += $1} END {print s + 0}')
mib=$(( bytes / 1048576 ))
echo "parked $(find "$park" -type f | wc -l) file(s) in $park; the tree that travels is $mib MiB (limit $limit_mib)"
if (( mib >= limit_mib )); then
  echo "too large for the device tool: park more, or run scripts/device-prepare.sh --restore" >&2
  exit 1
fi
echo "now: device run 'bash scripts/device-check.sh' with carry [\".device-deps\"]; afterwards: $0 --restore"
