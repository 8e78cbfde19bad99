#!/usr/bin/env bash
# Installs the Vulkan loader and Mesa's software Vulkan driver (lavapipe) so the WebGPU tests run on a
# machine without a GPU. Debian 12's own Mesa (22.3) lacks what Dawn needs; bookworm-backports' (25.x)
# works. Does nothing when a new enough driver is already there. Never fatal: the WebGPU tests skip
# with the probe's reason when no adapter can be had.
set -uo pipefail
mesa=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true)
if ldconfig -p | grep -q 'libvulkan.so.1' && [[ "$mesa" =~ ^(2[3-9]|[3-9][0-9])\. ]]; then
  echo "vulkan: loader and Mesa $mesa present"; exit 0
fi
command -v apt-get >/dev/null || { echo "vulkan: no apt-get; WebGPU tests will skip"; exit 0; }
. /etc/os-release 2>/dev/null || true
codename=${VERSION_CODENAME:-bookworm}
suite=()
if [ "$codename" = bookworm ]; then
  list=/etc/apt/sources.list.d/cogtrace-backports.list
  grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/ ||
    echo 'deb http://deb.debian.org/debian bookworm-backports main' > "$list"
  suite=(-t bookworm-backports)
fi
{
  apt-get update -qq &&
    apt-get install -y -qq libvulkan1 vulkan-tools &&
    apt-get install -y -qq "${suite[@]}" mesa-vulkan-drivers
} >/dev/null 2>&1 || echo "vulkan: install failed; WebGPU tests will skip"
echo "vulkan: Mesa $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || echo none)"
