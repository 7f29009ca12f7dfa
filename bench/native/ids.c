// SPDX-License-Identifier: GPL-2.0
/*
 * Client ids of fake devices, so that the scale benchmark has as many ids
 * in /sys/kernel/mm/pagemap_reach/devices/ as it names devices: faux
 * devices bench0, bench1, ... (in sysfs, so their ids link to them and
 * announce themselves with a uevent), each registered as a client.
 */
#include <linux/device/faux.h>
#include <linux/err.h>

#include "native.h"

static struct faux_device *fakes[NATIVE_MAX_DEVICES];
static struct pagemap_reach_dev *fake_ids[NATIVE_MAX_DEVICES];
static unsigned int nr_fakes;

int native_fake_ids(unsigned int n)
{
	if (n > NATIVE_MAX_DEVICES)
		return -ERANGE;
	while (nr_fakes < n) {
		struct pagemap_reach_dev *rdev;
		struct faux_device *fdev;
		char name[16];

		snprintf(name, sizeof(name), "bench%u", nr_fakes);
		fdev = faux_device_create(name, NULL, NULL);
		if (!fdev)
			return -ENOMEM;
		rdev = pagemap_reach_client_register(&fdev->dev);
		if (IS_ERR(rdev)) {
			faux_device_destroy(fdev);
			return PTR_ERR(rdev);
		}
		fakes[nr_fakes] = fdev;
		fake_ids[nr_fakes++] = rdev;
	}
	return 0;
}

void native_fake_ids_exit(void)
{
	while (nr_fakes) {
		nr_fakes--;
		pagemap_reach_client_unregister(fake_ids[nr_fakes]);
		faux_device_destroy(fakes[nr_fakes]);
	}
}
