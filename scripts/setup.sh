#!/usr/bin/env bash
# Installs every build and test dependency of tendo on Debian 12 (run as root). Idempotent and quiet:
# packages already present are not touched, so a second run takes about a second.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libdcmtk-dev dcmtk libopenjp2-7-dev libgdcm-tools libopencv-dev libinsighttoolkit5-dev
  libstb-dev libpng-dev libimgui-dev libglfw3-dev libgl-dev libgl1-mesa-dri xvfb xauth
  libgtest-dev libbenchmark-dev libcli11-dev nlohmann-json3-dev libsqlite3-dev libssl-dev
  dicom3tools python3 python3-numpy sqlite3 chromium
  python3-pydicom python3-opencv python3-pil python3-gdcm
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "setup.sh: missing packages (${missing[*]}); run as root to install them" >&2
  exit 1
fi
echo "setup.sh: installing ${#missing[@]} package(s): ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
