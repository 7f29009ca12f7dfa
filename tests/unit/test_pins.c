// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the pin table and the bpffs check (loader/pins.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "pins.h"
#include "policy_maps.h"

/* A pin directory elsewhere (tmpfs, ext4) would lose the policy silently. */
static void test_not_bpffs(void **state)
{
	(void)state;
	assert_int_equal(pins_check_bpffs("/tmp"), -EINVAL);
	assert_int_equal(pins_check_bpffs("/"), -EINVAL);
	assert_int_equal(pins_check_bpffs("/nonexistent/p2preach"), -ENOENT);
}

static void test_pin_path(void **state)
{
	char buf[32], longdir[64];

	(void)state;
	assert_int_equal(pin_path(buf, sizeof(buf), "/sys/fs/bpf/x", PIN_LINK), 0);
	assert_string_equal(buf, "/sys/fs/bpf/x/link");
	memset(longdir, 'd', sizeof(longdir) - 1);
	longdir[sizeof(longdir) - 1] = '\0';
	assert_int_equal(pin_path(buf, sizeof(buf), longdir, PIN_LINK), -ENAMETOOLONG);
}

/* One pin per map, none named like another, each with its own fd. */
static void test_table(void **state)
{
	(void)state;
	assert_int_equal(nr_pinned_maps, 3);
	for (size_t i = 0; i < nr_pinned_maps; i++) {
		assert_true(strlen(pinned_maps[i].map) < 16);	/* BPF_OBJ_NAME_LEN */
		assert_string_not_equal(pinned_maps[i].pin, PIN_LINK);
		assert_string_not_equal(pinned_maps[i].pin, PIN_MATRIX);
		assert_string_not_equal(pinned_maps[i].map, MATRIX_MAP);
		assert_true(pinned_maps[i].fd_offset + sizeof(int) <= sizeof(struct policy_maps));
		for (size_t j = 0; j < i; j++) {
			assert_string_not_equal(pinned_maps[i].pin, pinned_maps[j].pin);
			assert_string_not_equal(pinned_maps[i].map, pinned_maps[j].map);
			assert_int_not_equal(pinned_maps[i].fd_offset, pinned_maps[j].fd_offset);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_bpffs),
		cmocka_unit_test(test_pin_path),
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests_name("pins", tests, NULL, NULL) ? 1 : 0;
}
