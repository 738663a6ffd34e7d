#!/usr/bin/env bash
# Installs a host Go (for the differential go.mod tests). Filled in by the go.mod engine issue.
set -euo pipefail
