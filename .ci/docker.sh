#!/usr/bin/env bash
# Installs Docker, starts dockerd, builds the local builder images. (Filled in by the build issue.)
set -euo pipefail
