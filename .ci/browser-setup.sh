#!/usr/bin/env bash
# Install the headless browser that `make test-browser` drives (Debian/Ubuntu: the `chromium` package).
# Idempotent: does nothing when Chromium is already there. Needs root (or sudo) for apt-get.
# Playwright's own browser download (`playwright install`) is deliberately not used.
set -euo pipefail

have_chromium() {
    if [ -n "${WINIT_CHROMIUM:-}" ]; then
        [ -x "$WINIT_CHROMIUM" ] && return 0
        return 1
    fi
    command -v chromium >/dev/null 2>&1 && chromium --version >/dev/null 2>&1
}

if have_chromium; then
    echo "browser-setup: $( "${WINIT_CHROMIUM:-chromium}" --version 2>/dev/null ) already installed"
    exit 0
fi
if [ -n "${WINIT_CHROMIUM:-}" ]; then
    echo "browser-setup: WINIT_CHROMIUM=$WINIT_CHROMIUM is not an executable file" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "browser-setup: no apt-get here; install Chromium with your package manager," >&2
    echo "  or set WINIT_CHROMIUM=/path/to/chrome" >&2
    exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
        echo "browser-setup: needs root to run apt-get install chromium" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
echo "browser-setup: apt-get update"
$SUDO apt-get update -qq
echo "browser-setup: apt-get install -y chromium"
$SUDO apt-get install -y -qq chromium
chromium --version
