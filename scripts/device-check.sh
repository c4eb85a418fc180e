#!/usr/bin/env bash
# GLIP on a GPU, in one command (docs/GPU.md): for a machine with an NVIDIA GPU, nvcc, CMake, ninja and a Python
# PyTorch with CUDA, but no Debian packages and no network. Prepare the checkout here first with
# scripts/device-prepare.sh (it fetches the other dependencies into .device-deps/, which must travel along).
#
#   bash scripts/device-check.sh [OUTDIR]      # OUTDIR: $OUT when set (the device tool), else ./device-check-out
#
# 1. Builds core + `glip` (no UI, no tests: no Qt there) against PyTorch's libtorch (torch.utils.cmake_prefix_path)
#    with the CUDA kernels (GLIP_CUDA=ON), without OpenCV and libcurl (GLIP_OPENCV/GLIP_DOWNLOADS off).
# 2. Golden parity on the device (scripts/device_check.py): every run of the tiny-a, tiny-ta and tiny-l golden sets
#    through `glip predict --device cuda`, fp32 with the native (CUDA) and the generic kernels against the official
#    detections (1e-2 px, 1e-4), tensors compared where the .pt is in the tree; bf16/fp16/tf32 on tiny-a against
#    the bounds of docs/PERFORMANCE.md.
# 3. `glip bench --device cuda` on full-size GLIP-T (random weights, 800x1333, COCO-80): fp32, tf32, fp16, bf16 at
#    batch 1 and fp16/fp32 at batch 3, generic kernels at batch 1; one JSON line each in bench.jsonl.
# Logs and results go to OUTDIR (configure.log, build.log, golden.jsonl, bench.jsonl, summary.json); the last
# line printed is the summary. Budget: 8 minutes on a 16-core machine (GLIP_CHECK_BUDGET_S, default 470 s): the
# bench part stops starting new runs when the budget is near.
#
# Environment: PYTHON (default python3), GLIP_CUDA_ARCH (default 90: H100/H200), GLIP_CXX_STANDARD (default 17),
# GLIP_CHECK_DEVICE (default cuda; "cpu" runs the same steps on the CPU, as done here to test this script).
set -uo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
out="${OUT:-${1:-device-check-out}}"
mkdir -p "$out"
out=$(cd "$out" && pwd)
py="${PYTHON:-python3}"
device="${GLIP_CHECK_DEVICE:-cuda}"
budget="${GLIP_CHECK_BUDGET_S:-470}"
deps="$PWD/.device-deps/root"
libdir="$deps/usr/lib/x86_64-linux-gnu"
jobs=$(nproc)
log() { echo "[device-check +$((SECONDS - start))s] $*"; }
summary() {  # summary.json and the last line
  local status=$1 detail=$2
  printf '{"summary": "device-check", "status": "%s", "detail": "%s", "seconds": %d}\n' "$status" "$detail" \
    $((SECONDS - start)) | tee "$out/summary.json"
}

[[ -d "$deps" ]] || { summary fail "no .device-deps: run scripts/device-prepare.sh here and carry .device-deps"; exit 1; }

# 1. Environment and build.
"$py" - > "$out/env.json" 2> "$out/env.err" <<'EOF'
import json, platform, shutil, subprocess, torch, torch.utils
info = {"python": platform.python_version(), "torch": torch.__version__, "torch_cuda": torch.version.cuda,
        "cuda_available": torch.cuda.is_available(), "cmake_prefix_path": torch.utils.cmake_prefix_path,
        "cxx11_abi": torch.compiled_with_cxx11_abi(), "nvcc": shutil.which("nvcc"), "cmake": shutil.which("cmake"),
        "ninja": shutil.which("ninja")}
if torch.cuda.is_available():
    p = torch.cuda.get_device_properties(0)
    info["gpu"] = p.name
    info["gpu_memory_gib"] = round(p.total_memory / 2**30, 1)
print(json.dumps(info))
EOF
cat "$out/env.json"
torch_prefix=$("$py" -c 'import torch.utils; print(torch.utils.cmake_prefix_path)') ||
  { summary fail "no PyTorch for $py"; exit 1; }
cuda=ON
[[ "$device" == cuda ]] || cuda=OFF
if [[ $cuda == ON ]] && ! command -v nvcc > /dev/null && [[ -x /usr/local/cuda/bin/nvcc ]]; then
  export PATH="/usr/local/cuda/bin:$PATH"
fi
log "configure (libtorch from $torch_prefix, CUDA kernels $cuda, $jobs jobs)"
cmake -G Ninja -S . -B build-device -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$torch_prefix;$deps/usr" -DCMAKE_LIBRARY_PATH="$libdir" -DCMAKE_INCLUDE_PATH="$deps/usr/include" \
  -Dyaml-cpp_DIR="$libdir/cmake/yaml-cpp" -Dspdlog_DIR="$libdir/cmake/spdlog" -Dfmt_DIR="$libdir/cmake/fmt" \
  -DCLI11_DIR="$deps/usr/share/cmake/CLI11" -Dnlohmann_json_DIR="$deps/usr/share/cmake/nlohmann_json" \
  -DJPEG_INCLUDE_DIR="$deps/usr/include" -DJPEG_LIBRARY="$libdir/libjpeg.so" \
  -DPNG_PNG_INCLUDE_DIR="$deps/usr/include" -DPNG_LIBRARY="$libdir/libpng16.so" \
  -DZLIB_INCLUDE_DIR="$deps/usr/include" -DZLIB_LIBRARY="$deps/lib/x86_64-linux-gnu/libz.so.1" \
  -DCMAKE_DISABLE_FIND_PACKAGE_PkgConfig=ON -DGLIP_BUILD_UI=OFF -DGLIP_BUILD_TESTS=OFF -DGLIP_OPENCV=OFF -DGLIP_DOWNLOADS=OFF -DGLIP_TCMALLOC=OFF \
  -DGLIP_CUDA=$cuda -DGLIP_CUDA_COMPILE_CHECK=OFF -DCMAKE_CUDA_ARCHITECTURES="${GLIP_CUDA_ARCH:-90}" \
  -DCMAKE_CXX_STANDARD="${GLIP_CXX_STANDARD:-17}" > "$out/configure.log" 2>&1 ||
  { tail -30 "$out/configure.log"; summary fail "configure failed (configure.log)"; exit 1; }
log "build"
if ! ninja -C build-device -j"$jobs" glip > "$out/build.log" 2>&1; then
  grep -m 20 -B2 -A6 -E "error|Error" "$out/build.log" | head -80
  summary fail "build failed (build.log)"
  exit 1
fi
export LD_LIBRARY_PATH="$libdir:$deps/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}"
glip="$PWD/build-device/app/glip/glip"
"$glip" --version | tee "$out/version.txt"
log "built"

# 2. Golden parity.
: > "$out/golden.jsonl"
golden_failed=0
run_golden() {  # kernels precision sets...
  local k=$1 p=$2
  shift 2
  "$py" scripts/device_check.py --glip "$glip" --device "$device" --out "$out/golden" --kernels "$k" \
    --precision "$p" --sets "$@" | tee -a "$out/golden.jsonl" | grep '"summary"' || golden_failed=1
  [[ ${PIPESTATUS[0]} -eq 0 ]] || golden_failed=1
}
run_golden native fp32 tiny-a tiny-ta tiny-l
run_golden generic fp32 tiny-a tiny-ta tiny-l
if [[ "$device" == cuda ]]; then
  for p in tf32 fp16 bf16; do run_golden native "$p" tiny-a; done
fi
log "golden done (fp32 failures: $golden_failed)"

# 3. Bench: full-size GLIP-T, random weights.
: > "$out/bench.jsonl"
bench() {  # label args...
  local label=$1
  shift
  if (( SECONDS - start > budget - 45 )); then log "skipped bench $label (time budget)"; return; fi
  log "bench $label"
  if "$glip" bench --device "$device" --json "$@" > "$out/bench.one" 2> "$out/bench.err"; then
    "$py" -c 'import json,sys; j=json.loads(open(sys.argv[1]).read()); j["label"]=sys.argv[2]; print(json.dumps(j))' \
      "$out/bench.one" "$label" | tee -a "$out/bench.jsonl" |
      "$py" -c 'import json,sys; j=json.loads(sys.stdin.read()); print(j["label"], "warm", j["warm_s"], "s, per image", j["per_image_s"], "s, peak RSS", j["peak_rss_mib"])'
  else
    tail -3 "$out/bench.err"
    echo "{\"label\": \"$label\", \"error\": true}" >> "$out/bench.jsonl"
  fi
}
if [[ "$device" == cuda ]]; then
  bench "fp32 b1" --precision fp32 --repeat 4
  bench "fp16 b1" --precision fp16 --repeat 4
  bench "fp16 b3" --precision fp16 --batch-size 3 --repeat 4
  bench "fp32 b3" --precision fp32 --batch-size 3 --repeat 4
  bench "bf16 b1" --precision bf16 --repeat 4
  bench "tf32 b1" --precision tf32 --repeat 4
  bench "fp32 b1 generic" --precision fp32 --kernels generic --repeat 4
else
  bench "fp32 b1 (cpu)" --precision fp32 --threads "$jobs" --repeat 1
fi

if (( golden_failed )); then
  summary fail "golden parity failed (golden.jsonl)"
  exit 1
fi
summary ok "built, golden parity on $device, $(wc -l < "$out/bench.jsonl") bench line(s)"
