// SPDX-License-Identifier: GPL-2.0
/*
 * p2preach daemon: attach (or adopt) the policy, apply the admin's file,
 * then follow SIGHUP and device hotplug until SIGTERM. Leaving does not
 * detach: the pinned link keeps the policy enforced without us.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "attach.h"
#include "apply.h"
#include "cli.h"
#include "commands.h"
#include "lock.h"
#include "log.h"
#include "names.h"
#include "notify.h"
#include "policy_file.h"
#include "uevent.h"

static struct policy current;	/* the file last applied, for hotplug */

/* quiet: a reload that finds our own link in place says nothing. */
static int attach(const char *pin_dir, bool quiet)
{
	bool adopted;
	int err = policy_attach_or_adopt(pin_dir, &adopted);

	if (!err && !(adopted && quiet))
		log_info(adopted ? "adopted the policy pinned under %s" :
			 "attached the policy, pinned under %s", pin_dir);
	return err;
}

/* Which of the file's devices this machine has now, for systemctl status. */
static void report(const struct cli *c)
{
	char status[512];
	unsigned present = 0;

	for (unsigned i = 0; i < current.nr_devices; i++)
		present += names_present("/sys", current.devices[i].name);
	snprintf(status, sizeof(status), "STATUS=enforcing %s (%u of %u devices present)",
		 c->config, present, current.nr_devices);
	notify_systemd(status);
}

static int apply_config(const struct cli *c);

/*
 * Attach if needed (someone may have detached us), then apply the file,
 * under one hold of the lock: no edit comes between the two. A file that
 * is refused leaves the running policy as it was: only a failed attach
 * is an error.
 */
static int reload(const struct cli *c, bool quiet)
{
	int lock = policy_lock(), err;

	if (lock < 0)
		return lock;
	err = attach(c->pin_dir, quiet);
	if (!err)
		apply_config(c);
	policy_unlock(lock);
	return err;
}

static int apply_config(const struct cli *c)
{
	int err;

	err = apply_file(c->pin_dir, c->config);
	if (err == -ENOENT) {
		log_warn("%s does not exist; keeping the running policy", c->config);
		return 0;
	}
	if (err) {
		log_err("%s rejected; the running policy is unchanged", c->config);
		notify_systemd("STATUS=policy file rejected; running policy unchanged");
		return err;
	}
	/* Reparse only to remember the devices for hotplug; it just parsed. */
	policy_file_parse(c->config, &current, NULL, 0);
	log_info("applied %s: %u devices, %u rules", c->config, current.nr_devices,
		 current.nr_rules);
	report(c);
	return 0;
}

static const char *alias_of(const char *name)
{
	for (unsigned i = 0; i < current.nr_devices; i++)
		if (!strcmp(current.devices[i].name, name))
			return current.devices[i].alias;
	return NULL;
}

/*
 * The kernel resolves dev_name() at each decision, so a device that comes
 * back under its name has its verdicts at once and the maps need no edit
 * (edits made with the CLI since the last reload stay). What changes is
 * which of the file's names this machine has: say so.
 */
static void on_uevent(const struct cli *c, int fd)
{
	char action[32], name[256];
	const char *alias;

	while (uevent_read(fd, action, sizeof(action), name, sizeof(name)) >= 0) {
		if (strcmp(action, "add") && strcmp(action, "remove"))
			continue;
		alias = alias_of(name);
		if (!alias)
			continue;
		log_info("device %s (%s) %s; its verdicts %s", name, alias,
			 strcmp(action, "add") ? "removed" : "added",
			 strcmp(action, "add") ? "wait for it under that name" :
			 "apply from its next access");
		report(c);
	}
}

int cmd_daemon(const struct cli *c)
{
	struct signalfd_siginfo si;
	struct pollfd pfd[2];
	sigset_t mask;
	int err, sfd, ufd;

	log_init_daemon();
	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0) {
		err = -errno;
		log_err("signalfd: %s", strerror(errno));
		return err;
	}
	/* Before the first apply, so no hotplug event is missed. */
	ufd = uevent_open();
	if (ufd < 0)
		log_warn("no device hotplug events (%s); SIGHUP still reloads",
			 strerror(-ufd));

	/* A bad file at start leaves the pinned policy as it was: keep going. */
	err = reload(c, false);
	if (err)
		return err;
	notify_systemd("READY=1");
	log_info("ready");

	pfd[0] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = ufd, .events = POLLIN };
	for (;;) {
		if (poll(pfd, ufd >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			log_err("poll: %s", strerror(errno));
			break;
		}
		if (ufd >= 0 && (pfd[1].revents & POLLIN))
			on_uevent(c, ufd);
		if (!(pfd[0].revents & POLLIN))
			continue;
		if (read(sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo == SIGHUP) {
			notify_systemd("RELOADING=1");
			log_info("SIGHUP: re-reading %s", c->config);
			reload(c, true);
			notify_systemd("READY=1");
			continue;
		}
		log_info("stopping; the pinned policy stays in force");
		notify_systemd("STOPPING=1");
		err = 0;
		break;
	}
	close(sfd);
	if (ufd >= 0)
		close(ufd);
	return err;
}
