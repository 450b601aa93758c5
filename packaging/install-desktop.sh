#!/usr/bin/env bash
# Register cnnstudio with the Linux desktop (menu entry, icon, .cnn.json file type) for this user.
# Run after installing the package (pip install . or the PyInstaller folder on PATH).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data="${XDG_DATA_HOME:-$HOME/.local/share}"
install -Dm644 "$here/cnnstudio.desktop" "$data/applications/cnnstudio.desktop"
install -Dm644 "$here/cnnstudio-mime.xml" "$data/mime/packages/cnnstudio.xml"
for size in 16 32 48 64 128 256; do
  install -Dm644 "$here/../resources/icons/cnnstudio-$size.png" \
    "$data/icons/hicolor/${size}x${size}/apps/cnnstudio.png"
done
install -Dm644 "$here/../resources/icons/cnnstudio.svg" "$data/icons/hicolor/scalable/apps/cnnstudio.svg"
command -v update-mime-database >/dev/null && update-mime-database "$data/mime" || true
command -v update-desktop-database >/dev/null && update-desktop-database "$data/applications" || true
echo "cnnstudio registered in $data"
