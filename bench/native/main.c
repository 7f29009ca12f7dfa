// SPDX-License-Identifier: GPL-2.0
/*
 * p2preach_native: bench-only module. /sys/kernel/debug/p2preach_native/
 *   policy  write lines: clear, default V, set CLIENT_ID PROVIDER_ID V,
 *           attach matrix|dense|null, detach, fakes N, lockdep off
 *           (see native_policy_line())
 *   loop    write "CLIENT_ID PROVIDER_ID N", read "N NS ALLOWED" back
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "native.h"

static DEFINE_MUTEX(native_lock);
static struct dentry *dir;
static char loop_result[64];

/*
 * A write holds whole lines (write the commands at once: a writer that
 * splits at its buffer size splits lines); the first failing line fails
 * the write.
 */
static ssize_t policy_write(struct file *file, const char __user *ubuf,
			    size_t len, loff_t *ppos)
{
	char *buf, *p, *line;
	int ret = 0;

	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	mutex_lock(&native_lock);
	p = buf;
	while (!ret && (line = strsep(&p, "\n")))
		ret = native_policy_line(line);
	mutex_unlock(&native_lock);
	kfree(buf);
	return ret ?: len;
}

static ssize_t loop_write(struct file *file, const char __user *ubuf,
			  size_t len, loff_t *ppos)
{
	u64 n, ns, allowed;
	u32 c, p;
	char *buf;
	int ret;

	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = sscanf(buf, "%u %u %llu", &c, &p, &n) == 3 ? 0 : -EINVAL;
	kfree(buf);
	if (ret)
		return ret;
	/* Serialised with attach and detach: the policy stays put. */
	mutex_lock(&native_lock);
	ret = native_loop(c, p, n, &ns, &allowed);
	if (!ret)
		snprintf(loop_result, sizeof(loop_result), "%llu %llu %llu\n",
			 n, ns, allowed);
	mutex_unlock(&native_lock);
	return ret ?: len;
}

static ssize_t loop_read(struct file *file, char __user *ubuf, size_t len,
			 loff_t *ppos)
{
	return simple_read_from_buffer(ubuf, len, ppos, loop_result,
				       strlen(loop_result));
}

static const struct file_operations policy_fops = {
	.owner = THIS_MODULE,
	.write = policy_write,
};

static const struct file_operations loop_fops = {
	.owner = THIS_MODULE,
	.write = loop_write,
	.read = loop_read,
};

static int __init native_init(void)
{
	int ret = native_policy_init();

	if (ret)
		return ret;
	dir = debugfs_create_dir("p2preach_native", NULL);
	debugfs_create_file("policy", 0200, dir, NULL, &policy_fops);
	debugfs_create_file("loop", 0600, dir, NULL, &loop_fops);
	return 0;
}

static void __exit native_exit(void)
{
	debugfs_remove_recursive(dir);
	native_policy_exit();
	native_fake_ids_exit();
}

module_init(native_init);
module_exit(native_exit);
MODULE_DESCRIPTION("p2preach benchmark: a peer access policy in C");
MODULE_LICENSE("GPL");
