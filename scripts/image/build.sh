#!/usr/bin/env bash
# Builds the bot's image with podman the way this kind of machine allows: runc (crun is
# refused here), host networking, explicit ulimits (podman's defaults are refused), and
# the machine's certificate bundle mounted for pip (the package index is reached through
# the machine's own certificate authority). The base image comes from base.sh unless
# BASE_IMAGE names another one (e.g. python:3.11-slim where a registry is reachable).
set -euo pipefail
cd "$(dirname "$0")/../.."

IMAGE=${IMAGE:-localhost/liveblog-alerts:test}
if [ -z "${BASE_IMAGE:-}" ]; then
    export BASE_IMAGE=localhost/liveblog-base:bookworm
    bash scripts/image/base.sh
fi
for tool in podman runc; do
    command -v "$tool" >/dev/null || {
        echo "image-test needs $tool: apt-get install podman runc debootstrap" >&2
        exit 2
    }
done
bundle=/etc/ssl/certs/ca-certificates.crt
podman build --runtime runc --network host \
    --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 \
    -v /etc/ssl/certs:/etc/ssl/certs:ro --env PIP_CERT="$bundle" \
    --format docker --build-arg BASE_IMAGE="$BASE_IMAGE" -t "$IMAGE" .
