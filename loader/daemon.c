// SPDX-License-Identifier: GPL-2.0
/*
 * p2preach daemon: attach (or adopt) the policy, apply the admin's file,
 * then follow SIGHUP and device hotplug until SIGTERM. Leaving does not
 * detach: the pinned link keeps the policy enforced without us, and a
 * restarted daemon keeps the live policy, edits made with the CLI
 * included, as long as the file says what it said when it was applied.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "apply.h"
#include "attach.h"
#include "cli.h"
#include "commands.h"
#include "lock.h"
#include "log.h"
#include "names.h"
#include "notify.h"
#include "policy_commit.h"
#include "policy_file.h"
#include "policy_rules.h"
#include "stats.h"
#include "uevent.h"

/* How often --metrics-file is rewritten: node_exporter's scrape interval. */
#define METRICS_INTERVAL_S	15

struct daemon {
	const struct cli *c;
	struct policy *file;	/* what the file said when last applied or kept */
	struct policy *parsed;	/* scratch for the next parse */
};

/* Which of the file's devices this machine has now, for systemctl status. */
static void report(const struct daemon *d)
{
	char status[512];
	unsigned present = 0;

	for (unsigned i = 0; i < d->file->nr_devices; i++)
		present += names_present("/sys", d->file->devices[i].name);
	snprintf(status, sizeof(status), "STATUS=enforcing %s (%u of %u devices present)",
		 d->c->config, present, d->file->nr_devices);
	notify_systemd(status);
}

/* The parsed file is in force: keep it for hotplug reports. */
static void in_force(struct daemon *d)
{
	struct policy *t = d->file;

	d->file = d->parsed;
	d->parsed = t;
	report(d);
}

/*
 * After a restart: is the live policy the one this file made, with only
 * CLI edits since? Then it stays, edits included.
 */
static bool file_unchanged(const struct daemon *d, unsigned long long *edits)
{
	struct p2preach_state *st = malloc(sizeof(*st));
	struct policy_maps m;
	bool same = false;

	if (!st || policy_maps_open(&m, d->c->pin_dir)) {
		free(st);
		return false;
	}
	if (!policy_read_state(&m, st) && st->file_generation &&
	    !strcmp(st->file, d->c->config) && st->file_hash == d->parsed->text_hash) {
		same = true;
		*edits = st->generation - st->file_generation;
	}
	policy_maps_close(&m);
	free(st);
	return same;
}

/*
 * Attach if needed (someone may have detached us), then apply the file,
 * under one hold of the lock: no edit comes between the two. keep_live:
 * a policy adopted from the pins stays as it is when the file has not
 * changed since it was applied (a restart, not a reload). A file that is
 * missing or refused leaves the running policy as it was: only a failed
 * attach is an error.
 */
static int reload(struct daemon *d, bool keep_live)
{
	const struct cli *c = d->c;
	unsigned long long edits;
	char msg[1024];
	int lock = policy_lock(), err;
	bool adopted;

	if (lock < 0)
		return lock;
	err = policy_attach_or_adopt(c->pin_dir, &adopted);
	if (err)
		goto out;
	if (!adopted || keep_live)
		log_info(adopted ? "adopted the policy pinned under %s" :
			 "attached the policy, pinned under %s", c->pin_dir);
	/* Only the file's own absence means it does not exist. */
	err = policy_file_parse(c->config, d->parsed, msg, sizeof(msg));
	if (err == -ENOENT) {
		log_warn("%s does not exist; keeping the running policy", c->config);
		err = 0;
		goto out;
	}
	if (err)
		log_err("%s", msg);
	if (!err && adopted && keep_live && file_unchanged(d, &edits)) {
		log_info("kept the live policy: %s is unchanged since it was applied, and the %llu edit%s made with the CLI since stay%s in force",
			 c->config, edits, edits == 1 ? "" : "s", edits == 1 ? "s" : "");
		in_force(d);
		goto out;
	}
	if (!err)
		err = apply_policy(c->pin_dir, c->config, d->parsed);
	if (err) {
		log_err("%s rejected; the running policy is unchanged", c->config);
		notify_systemd("STATUS=policy file rejected; running policy unchanged");
		err = 0;
		goto out;
	}
	log_info("applied %s: %u devices, %u rules", c->config,
		 d->parsed->nr_devices, d->parsed->nr_rules);
	in_force(d);
out:
	policy_unlock(lock);
	return err;
}

/*
 * The kernel resolves dev_name() at each decision, so a device that comes
 * back under its name has its verdicts at once and the maps need no edit
 * (edits made with the CLI since the last reload stay). What changes is
 * which of the file's names this machine has: say so.
 */
static void on_uevent(const struct daemon *d, int fd)
{
	char action[32], name[256];
	int i;

	while (uevent_read(fd, action, sizeof(action), name, sizeof(name)) >= 0) {
		if (strcmp(action, "add") && strcmp(action, "remove"))
			continue;
		i = policy_device_lookup(d->file, name);
		if (i < 0 || strcmp(d->file->devices[i].name, name))
			continue;
		log_info("device %s (%s) %s; its verdicts %s", name,
			 d->file->devices[i].alias,
			 strcmp(action, "add") ? "removed" : "added",
			 strcmp(action, "add") ? "wait for it under that name" :
			 "apply from its next access");
		report(d);
	}
}

/* --metrics-file: the counters for node_exporter, replaced atomically. */
static void write_metrics(const struct daemon *d)
{
	struct stats_report r;
	int err = stats_read(d->c->pin_dir, &r);

	if (!err) {
		err = metrics_write_file(d->c->metrics, &r, METRICS_PROMETHEUS);
		stats_free(&r);
	}
	if (err)
		log_warn("cannot write %s: %s", d->c->metrics, strerror(-err));
}

static int metrics_timer(const struct daemon *d)
{
	struct itimerspec every = {
		.it_interval = { .tv_sec = METRICS_INTERVAL_S },
		.it_value = { .tv_nsec = 1 },	/* now */
	};
	int fd;

	if (!d->c->metrics)
		return -1;
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (fd < 0 || timerfd_settime(fd, 0, &every, NULL)) {
		log_warn("no metrics file (timerfd: %s)", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int serve(struct daemon *d, int sfd, int ufd)
{
	struct signalfd_siginfo si;
	int tfd = metrics_timer(d);
	struct pollfd pfd[3] = {
		{ .fd = sfd, .events = POLLIN },
		{ .fd = ufd, .events = POLLIN },	/* -1: poll skips it */
		{ .fd = tfd, .events = POLLIN },
	};
	uint64_t ticks;

	for (;;) {
		if (poll(pfd, 3, -1) < 0) {
			int err = -errno;

			if (errno == EINTR)
				continue;
			log_err("poll: %s", strerror(-err));
			if (tfd >= 0)
				close(tfd);
			return err;
		}
		if (ufd >= 0 && (pfd[1].revents & POLLIN))
			on_uevent(d, ufd);
		if (tfd >= 0 && (pfd[2].revents & POLLIN) &&
		    read(tfd, &ticks, sizeof(ticks)) == sizeof(ticks))
			write_metrics(d);
		if (!(pfd[0].revents & POLLIN))
			continue;
		if (read(sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo == SIGHUP) {
			notify_systemd("RELOADING=1");
			log_info("SIGHUP: re-reading %s", d->c->config);
			reload(d, false);
			notify_systemd("READY=1");
			continue;
		}
		log_info("stopping; the pinned policy stays in force");
		notify_systemd("STOPPING=1");
		if (tfd >= 0)
			close(tfd);
		return 0;
	}
}

int cmd_daemon(const struct cli *c)
{
	struct daemon d = { .c = c };
	sigset_t mask;
	int err, sfd, ufd;

	log_init_daemon();
	d.file = calloc(1, sizeof(*d.file));
	d.parsed = calloc(1, sizeof(*d.parsed));
	if (!d.file || !d.parsed) {
		free(d.file);
		free(d.parsed);
		return -ENOMEM;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0) {
		err = -errno;
		log_err("signalfd: %s", strerror(errno));
		goto out;
	}
	/* Before the first apply, so no hotplug event is missed. */
	ufd = uevent_open();
	if (ufd < 0)
		log_warn("no device hotplug events (%s); SIGHUP still reloads",
			 strerror(-ufd));
	err = reload(&d, true);
	if (!err) {
		notify_systemd("READY=1");
		log_info("ready");
		err = serve(&d, sfd, ufd);
	}
	close(sfd);
	if (ufd >= 0)
		close(ufd);
out:
	free(d.file);
	free(d.parsed);
	return err;
}
