#!/usr/bin/env bash
# Decode benchmark of the local runner on a GPU machine with no network: a random-weight Qwen2.5-VL with
# 7B-like layer sizes (make_wide.py), exported fp16, run by Cogtrace's runner on WebGPU (Vulkan), against
# the memory-bandwidth bound. Expects beside the repository (carried there, see tools/export/README.md):
#   .gl/*.deb            Vulkan loader and GL libraries (unpacked into /)
#   .devcarry/node.tar.xz, nm.tar.xz, tok.tar.xz, dist/{runner-child,bench-gpu}.js
# Writes its figures to $OUT.
#   OUT=/tmp/out BANDWIDTH_GBS=4800 LAYERS=4 bash tools/export/gpu_bench/run.sh
set -uo pipefail
OUT=${OUT:-/tmp/gpu-bench-out}
mkdir -p "$OUT" /tmp/nodebin
exec > >(tee "$OUT/log.txt") 2>&1
for f in .gl/*.deb; do dpkg -x "$f" /; done
ldconfig
nv=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -f "$nv" ] && export VK_DRIVER_FILES=$nv
export XDG_RUNTIME_DIR=/tmp
tar -xJf .devcarry/node.tar.xz -C /tmp/nodebin && export PATH=/tmp/nodebin/usr/bin:$PATH
tar -xJf .devcarry/nm.tar.xz && tar -xJf .devcarry/tok.tar.xz -C .devcarry
echo "== machine"; node --version; nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
echo "== vulkaninfo"; vulkaninfo --summary 2>&1 | sed -n '/^Devices/,$p' | head -30
echo "== devices and the parity fixture on webgpu"; node .devcarry/dist/bench-gpu.js test/fixtures/qwen25vl-tiny "${BANDWIDTH_GBS:-4800}" fp32 | tee "$OUT/bench-tiny.json"
echo "== model"; LAYERS=${LAYERS:-4} TOKENIZER_DIR=.devcarry/tok python3 tools/export/gpu_bench/make_wide.py /tmp/wide
echo "== runner"; node .devcarry/dist/bench-gpu.js /tmp/wide/onnx-model "${BANDWIDTH_GBS:-4800}" fp16 | tee "$OUT/bench-gpu.json"
