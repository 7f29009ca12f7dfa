// SPDX-License-Identifier: GPL-2.0
/*
 * p2preach daemon: attach (or adopt) the policy, apply the admin's file,
 * then follow SIGHUP and the kernel's device ids until SIGTERM: an id
 * that comes gets its verdicts from the file, one that goes gets the
 * default before the kernel can give it to another device. Leaving does not
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
#include "reach_ids.h"
#include "stats.h"
#include "uevent.h"
#include "view.h"

/* How often --metrics-file is rewritten: node_exporter's scrape interval. */
#define METRICS_INTERVAL_S	15

struct daemon {
	const struct cli *c;
	struct policy *file;	/* what the file said when last applied or kept */
	struct policy *parsed;	/* scratch for the next parse */
	bool file_in_force;	/* file is the policy in force */
	struct id_set gone;	/* removed, though sysfs may still list them */
};

/* Which of the file's devices have ids now, for systemctl status. */
static void report(const struct daemon *d)
{
	struct reach_ids ids;
	char status[512];
	unsigned present = 0;

	if (reach_ids_read(REACH_SYSFS, &ids))
		return;
	for_each_id(&d->gone, id)
		reach_ids_drop(&ids, id);
	for (unsigned i = 0; i < d->file->nr_devices; i++)
		present += names_nr_ids(&ids, d->file->devices[i].name) > 0;
	reach_ids_free(&ids);
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
	d->file_in_force = true;
	report(d);
}

/*
 * Bring the cells up to the ids (under the lock): new ids get the file's
 * verdicts, retired ones the default. See apply_follow().
 */
static void follow(const struct daemon *d, const struct id_set *retired)
{
	int n = apply_follow(d->c->pin_dir, d->file_in_force ? d->file : NULL, retired,
			     &d->gone);

	if (n > 0)
		log_info("followed the device ids: %d changed hands%s", n,
			 d->file_in_force ? "; the new ones have the file's verdicts" :
			 "; the new ones have the default verdict");
}

/*
 * After a restart: is the live policy the one this file made, with only
 * CLI edits since? Then it stays, edits included; *edits: the live
 * verdicts the file does not give.
 */
static bool file_unchanged(const struct daemon *d, unsigned *edits)
{
	const char *file = d->c->config;
	bool changed = true;
	struct view v;

	if (view_take(d->c->pin_dir, &v))
		return false;
	if (v.s->state.file_hash == d->parsed->text_hash &&
	    txn_live_edits(v.s, &v.t, file, NULL, 0, edits, &changed, NULL, 0))
		changed = true;
	view_free(&v);
	return !changed;
}

/*
 * Another build's policy is in force (the package was upgraded): this
 * build's takes its place through the same link, with the file's
 * verdicts from the start. Without a file it cannot: the old one stays.
 */
static int replace_other_build(struct daemon *d)
{
	const struct cli *c = d->c;
	char msg[1024];
	int err;

	err = policy_file_parse(c->config, d->parsed, msg, sizeof(msg));
	if (err) {
		log_err("%s", msg);
		log_err("the policy of another build of p2preach pinned under %s stays in force until this one can apply its file",
			c->pin_dir);
		return err;
	}
	err = policy_replace(c->pin_dir, c->config, d->parsed);
	if (err)
		return err;
	log_info("replaced the policy of another build pinned under %s, and applied %s: %u devices, %u rules",
		 c->pin_dir, c->config, d->parsed->nr_devices, d->parsed->nr_rules);
	return 0;
}

/*
 * Attach if needed (someone may have detached us), then apply the file,
 * under one hold of the lock: no edit comes between the two. keep_live:
 * a policy adopted from the pins stays as it is when the file has not
 * changed since it was applied (a restart, not a reload). A file that is
 * missing or refused leaves the running policy as it was: only a failed
 * attach is an error. Either way the cells then follow the ids, which may
 * have changed while nobody watched.
 */
static int reload(struct daemon *d, bool keep_live)
{
	const struct cli *c = d->c;
	unsigned edits;
	char msg[1024];
	int lock = policy_lock(), err;
	bool adopted;

	if (lock < 0)
		return lock;
	err = policy_attach_or_adopt(c->pin_dir, &adopted);
	if (err == -EPROTO) {
		err = replace_other_build(d);
		if (!err)
			in_force(d);
		goto out;
	}
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
		log_info("kept the live policy: %s is unchanged since it was applied, and the %u live verdict%s it does not give stay%s in force",
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
	if (!err)
		follow(d, NULL);
	policy_unlock(lock);
	return err;
}

/*
 * Every pending id event, then one follow for all of them: a module load
 * brings several. An id removed is retired even if it is back by then (a
 * device that left and came back starts over); one whose last event is a
 * remove is gone, even while its directory lingers in sysfs, until an
 * event adds it again.
 */
static void on_uevent(struct daemon *d, int fd)
{
	struct id_set retired = { 0 };
	struct uevent ev;
	bool seen = false;
	int r;

	while ((r = uevent_read(fd, &ev)) != -EAGAIN) {
		if (r == -EINTR || r == 0)
			continue;
		if (r == -ENOBUFS) {
			log_warn("device events were lost; reading the ids again");
			memset(&d->gone, 0, sizeof(d->gone));
			seen = true;
			continue;
		}
		if (r < 0) {
			log_warn("cannot read device events: %s", strerror(-r));
			break;
		}
		log_info("%s %u (%s) %s", reach_role_name(ev.role), ev.id, ev.dev_name,
			 ev.add ? "added" : "removed");
		seen = true;
		if (ev.add) {
			id_set_del(&d->gone, ev.id);
		} else {
			id_set_add(&retired, ev.id);
			id_set_add(&d->gone, ev.id);
		}
	}
	if (!seen)
		return;
	r = policy_lock();
	if (r < 0)
		return;
	follow(d, &retired);
	policy_unlock(r);
	report(d);
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
	/* Before the first apply, so no id event is missed. */
	ufd = uevent_open();
	if (ufd < 0)
		log_warn("no device id events (%s); SIGHUP still follows the ids",
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
