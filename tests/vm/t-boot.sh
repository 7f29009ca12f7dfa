#!/bin/bash
# vm: host
# At boot for real: a Debian root filesystem (built once with mmdebstrap,
# cached) boots the test kernel with systemd as init, with p2preach put in
# by `make install DESTDIR=` and its unit enabled. Runs on the host: it
# boots its own VM (see tests/vm/boot/).
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
STAGE=$ROOT/build/boot/stage
LOG=$ROOT/build/logs/t-boot-console.log

n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n - boot: $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - boot: $1"; fails=$((fails + 1)); }

# --- make install, as a package build would run it
rm -rf "$STAGE"
mkdir -p "$STAGE"
if make -s -o build/tools/.kernel install DESTDIR="$STAGE" PREFIX=/usr >build/logs/t-boot-install.log 2>&1; then
	ok "make install DESTDIR=... PREFIX=/usr"
else
	not_ok "make install failed (log: build/logs/t-boot-install.log)"
	exit 1
fi
want="etc/p2preach/policy.conf usr/lib/p2preach/examples/allowlist.bpf.o
usr/lib/p2preach/examples/same_switch.bpf.o usr/lib/p2preach/p2preach.bpf.o
usr/lib/systemd/system/p2preach.service usr/sbin/p2preach
usr/share/bash-completion/completions/p2preach
usr/share/doc/p2preach/examples/policy.conf usr/share/man/man5/p2preach.conf.5
usr/share/man/man8/p2preach.8"
got=$(cd "$STAGE" && find . -type f | sed 's|^\./||' | sort)
if [[ $got == "$(echo $want | tr ' ' '\n')" ]] &&
   grep -qx 'ExecStart=/usr/sbin/p2preach daemon --config /etc/p2preach/policy.conf' \
	"$STAGE/usr/lib/systemd/system/p2preach.service"; then
	ok "it installs under DESTDIR and PREFIX, the unit runs PREFIX's binary"
else
	not_ok "installed: $(echo $got)"
fi
echo "# edited" >>"$STAGE/etc/p2preach/policy.conf"
make -s -o build/tools/.kernel install DESTDIR="$STAGE" PREFIX=/usr >>build/logs/t-boot-install.log 2>&1
if tail -n 1 "$STAGE/etc/p2preach/policy.conf" | grep -qx '# edited'; then
	ok "a second install keeps the admin's policy file"
else
	not_ok "make install replaced /etc/p2preach/policy.conf"
fi
warn=$(for m in "$STAGE"/usr/share/man/man*/*; do LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$m" 2>&1; done)
if [[ -z $warn ]]; then ok "the man pages render without warnings"; else
	not_ok "groff: $warn"; fi
# complete WORDS...: what bash completion offers for the last word.
complete_words() {
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
		_p2preach; echo "${COMPREPLY[*]}"' _ \
		"$STAGE/usr/share/bash-completion/completions/p2preach" "$@"
}
if [[ $(complete_words p2preach st) == "stats status" &&
      $(complete_words p2preach allow a b "") == "read rw" &&
      $(complete_words p2preach deny a b --b) == "--both" &&
      $(complete_words p2preach show --j) == "--json" ]]; then
	ok "bash completion offers commands, verdicts and options"
else
	not_ok "bash completion: '$(complete_words p2preach st)', '$(complete_words p2preach allow a b "")'"
fi

# --- boot it
# The kernel must run systemd from a read-only 9p root with an overlay on
# top; a kernel from scripts/build-kernel.sh keeps its config to say so.
skip() {
	n=$((n + 1))
	echo "ok $n - boot: systemd boots and p2preach is in force # SKIP $*"
	exit $((fails > 0))
}
need="CGROUPS OVERLAY_FS AUTOFS_FS SECCOMP_FILTER TMPFS_XATTR"
if [[ -f build/kernel/config ]]; then
	for opt in $need; do
		grep -q "^CONFIG_$opt=y" build/kernel/config ||
			skip "the test kernel has no CONFIG_$opt"
	done
elif [[ $(nm build/kernel/vmlinux | grep -c ' ovl_fill_super$') -eq 0 ]]; then
	skip "the test kernel has no overlayfs (CONFIG_OVERLAY_FS)"
fi
ROOTFS=$(tests/vm/boot/mkrootfs.sh) || { not_ok "no root filesystem"; exit 1; }

# The test's own files on top of the install tree. Everything under usr/
# and etc/: the rootfs has merged /usr, whose /lib must stay a link.
install -m 0644 tests/vm/boot/boot-policy.conf "$STAGE/etc/p2preach/policy.conf"
# test_hmm comes from a module, loaded at boot by systemd-modules-load.
KVER=$(modinfo -F vermagic build/kernel/test_hmm.ko | cut -d' ' -f1)
install -D -m 0644 build/kernel/test_hmm.ko "$STAGE/usr/lib/modules/$KVER/extra/test_hmm.ko"
ln -s usr/lib "$STAGE/lib"
depmod -b "$STAGE" "$KVER" 2>/dev/null
rm "$STAGE/lib"
install -D -m 0644 /dev/stdin "$STAGE/etc/modules-load.d/test_hmm.conf" <<<"test_hmm"
install -D -m 0755 build/tests/peer_access "$STAGE/opt/p2preach-test/peer_access"
install -m 0755 tests/vm/boot/boot-check.sh "$STAGE/opt/p2preach-test/boot-check.sh"
install -D -m 0644 tests/vm/boot/p2preach-boot-check.service \
	"$STAGE/etc/systemd/system/p2preach-boot-check.service"
# Enabled as `systemctl enable` does it (WantedBy=multi-user.target).
wants=$STAGE/etc/systemd/system/multi-user.target.wants
mkdir -p "$wants"
ln -s /usr/lib/systemd/system/p2preach.service "$wants/p2preach.service"
ln -s /etc/systemd/system/p2preach-boot-check.service "$wants/p2preach-boot-check.service"
# The checks own the serial console: a getty there would hang it up.
ln -s /dev/null "$STAGE/etc/systemd/system/serial-getty@ttyS0.service"

tests/vm/boot/run-rootfs "$ROOTFS" "$STAGE" "$LOG"
status=$?
# The guest numbers its lines from 1: continue after ours.
grep -E '^(not )?ok |^# ' "$LOG" | awk -v n=$n '
	/^(not )?ok [0-9]+ / { sub(/ok [0-9]+ /, "ok " (++n) " ") } { print }'
if [[ $status -ne 0 ]] && ! grep -q '^not ok ' "$LOG"; then
	echo "not ok - boot: the booted system failed (status $status, log: $LOG)"
fi
[[ $status -eq 0 && $fails -eq 0 ]]
