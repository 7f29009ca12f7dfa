#!/bin/sh
# vm-args: --append kunit.enable=1 --append kunit.autorun=1
# The series' KUnit suites, built into the test kernel
# (tests/vm/kernel.config) and run at boot, which KUnit does only when the
# command line asks (above): drm_gpusvm's part in peer access policies
# (which walks name their device, what a policy change invalidates) and
# drm_pagemap's (translation for peers, what it refuses, the sources a
# migration may take). One line per case, from the KTAP results in the
# kernel log.
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n - kunit: $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - kunit: $1"; fails=$((fails + 1)); }

# The log without timestamps: KTAP lines as KUnit printed them.
dmesg | sed 's/^\[[^]]*\] //' >/tmp/kunit.log
# Each suite with the number of cases it has.
for entry in drm_gpusvm_reach:4 drm_pagemap_reach:4; do
	suite=${entry%:*} expected=${entry#*:}
	# The suite's block: from its "# Subtest:" line to its own result.
	sed -n "/^[[:space:]]*# Subtest: $suite\$/,/^[[:space:]]*\(not \)\?ok [0-9]* $suite\$/p" \
		/tmp/kunit.log >/tmp/kunit-suite
	if [ ! -s /tmp/kunit-suite ]; then
		not_ok "$suite did not run (CONFIG_DRM_GPUSVM_KUNIT_TEST=y?)"
		continue
	fi
	cases=0
	# Its cases are the indented result lines; its own result is not.
	grep -E '^[[:space:]]+(not )?ok [0-9]+ ' /tmp/kunit-suite >/tmp/kunit-cases
	while read -r verdict rest; do
		cases=$((cases + 1))
		if [ "$verdict" = ok ]; then
			ok "$suite: ${rest#* }"
		else
			not_ok "$suite: ${rest#ok * }"
		fi
	done </tmp/kunit-cases
	if [ "$cases" -ne "$expected" ]; then
		not_ok "$suite ran $cases cases, expected $expected; its log:"
		sed 's/^/#   /' /tmp/kunit-suite
	elif tail -n 1 /tmp/kunit-suite | grep -Eq "^ok [0-9]+ $suite\$"; then
		ok "$suite passed as a whole"
	else
		not_ok "$suite failed; its log:"
		sed 's/^/#   /' /tmp/kunit-suite
	fi
done
[ "$fails" -eq 0 ]
