// SPDX-License-Identifier: GPL-2.0
/*
 * The host's TSC rate in kHz. Under TCG the guest's TSC counts at the
 * host's rate, but the guest cannot calibrate it (no HPET or ACPI PM timer
 * in the test config) and falls back to jiffies, which is 4 ms coarse: the
 * benchmark passes tsc_early_khz= so that the guest's clocks are fine.
 */
#include <stdio.h>
#include <time.h>
#include <x86intrin.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
	const struct timespec wait = { 0, 200 * 1000 * 1000 };
	double t0 = now();
	unsigned long long c0 = __rdtsc();

	nanosleep(&wait, NULL);
	printf("%.0f\n", (__rdtsc() - c0) / (now() - t0) / 1e3);
	return 0;
}
