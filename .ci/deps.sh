#!/usr/bin/env bash
# Install the Debian packages brokersim needs, only those missing. Needs root (or sudo).
set -euo pipefail
packages=(
  build-essential cmake pkg-config time clang libclang-rt-dev
  libsimgrid-dev nlohmann-json3-dev libfmt-dev libcli11-dev catch2
  libsimdjson-dev nettle-dev libimgui-dev libglfw3-dev libgl-dev libgl1-mesa-dri libstb-dev xvfb xauth
  python3 python3-jsonschema python3-pandas python3-matplotlib python3-nbformat python3-ipykernel jupyter-nbconvert
  python3-distributed
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "brokersim: installing ${missing[*]}"
sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
