#!/bin/sh
# promtool (Debian package prometheus) reads the Prometheus text that
# test_metrics left in build/unit: one TAP line, skipped without promtool.
f=${1:-build/unit/metrics.prom}
echo "1..1"
if ! command -v promtool >/dev/null; then
	echo "ok 1 - promtool accepts stats --format prometheus # SKIP promtool not installed (apt-get install prometheus)"
	exit 0
fi
if out=$(promtool check metrics <"$f" 2>&1); then
	echo "ok 1 - promtool accepts stats --format prometheus"
else
	echo "not ok 1 - promtool check metrics: $out"
	exit 1
fi
