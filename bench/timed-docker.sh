#!/usr/bin/env bash
# A docker client that records when each call ran: `<start-ns> <end-ns> <subcommand>` appended to
# $FLOW_BENCH_DOCKER_LOG. bench/warm.ts points the action at it (FLOW_DOCKER_BINARY) to split an
# action run into time in Docker and the action's own time.
set -u
start=$(date +%s%N)
"${DOCKER:-docker}" "$@"
rc=$?
end=$(date +%s%N)
echo "$start $end ${1:-}" >>"${FLOW_BENCH_DOCKER_LOG:-/dev/null}"
exit $rc
