#!/usr/bin/env bash
# Builds the local base image (Debian bookworm minbase with python3) that the Dockerfile
# starts FROM when no image registry is reachable: debootstrap from the machine's own Debian
# mirror, then `podman import`. Skipped when the image already exists.
set -euo pipefail

BASE_IMAGE=${BASE_IMAGE:-localhost/liveblog-base:bookworm}
ROOTFS=${ROOTFS:-/var/tmp/liveblog-base-rootfs}

if podman image exists "$BASE_IMAGE"; then
    echo "base image $BASE_IMAGE exists"
    exit 0
fi

# The machine's Debian mirror: the first deb.debian.org-style URI apt already uses.
mirror=${DEBIAN_MIRROR:-}
if [ -z "$mirror" ]; then
    mirror=$(grep -hoE '^(URIs:|deb) +[^ ]*' /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null \
        | awk '{print $2}' | grep -E '/debian/?$' | head -n 1 || true)
fi
mirror=${mirror:-http://deb.debian.org/debian}
echo "debootstrap bookworm from $mirror into $ROOTFS"

rm -rf "$ROOTFS"
debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
    bookworm "$ROOTFS" "$mirror"
# The Dockerfile calls python3; a `python` name helps anyone who runs a shell in it.
ln -sf python3 "$ROOTFS/usr/bin/python"
rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*
tar -C "$ROOTFS" -c . | podman import - "$BASE_IMAGE"
rm -rf "$ROOTFS"
echo "base image $BASE_IMAGE built"
