#!/bin/bash
# vm: host
# At boot for real, installed as an admin installs it: `make deb` builds
# the p2preach package, the kernel build made the test kernel's
# linux-image package (scripts/build-kernel.sh), and apt installs both
# into a copy of a Debian root filesystem (built once with mmdebstrap,
# cached), which boots the kernel the package put in /boot with systemd as
# init. The booted system checks the service, then purges the package.
# Runs on the host: it boots its own VM (see tests/vm/boot/).
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
STAGE=$ROOT/build/boot/stage
SYSROOT=$ROOT/build/boot/root
LOG=$ROOT/build/logs/t-boot-console.log
ILOG=$ROOT/build/logs/t-boot-install.log

n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n - boot: $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - boot: $1"; fails=$((fails + 1)); }

# --- the packages
: >"$ILOG"
if make -s -o build/tools/.kernel deb >>"$ILOG" 2>&1; then
	ok "make deb builds the p2preach package; lintian reports no error or warning"
else
	not_ok "make deb failed (log: $ILOG)"
	exit 1
fi
DEB=$(ls build/deb/p2preach_*_amd64.deb)
KDEB=$(compgen -G 'build/kernel/linux-image-*.deb' | head -n1)
if [[ -n $KDEB ]]; then
	ok "the test kernel comes as a package: $(basename "$KDEB")"
else
	not_ok "no linux-image package next to the test kernel (scripts/build-kernel.sh)"
	exit 1
fi
want="etc/p2preach/policy.conf lib/systemd/system/p2preach.service
usr/lib/p2preach/examples/allowlist.bpf.o
usr/lib/p2preach/p2preach.bpf.o usr/sbin/p2preach
usr/share/bash-completion/completions/p2preach usr/share/doc/p2preach/changelog.gz
usr/share/doc/p2preach/copyright usr/share/doc/p2preach/examples/policy.conf
usr/share/lintian/overrides/p2preach
usr/share/man/man5/p2preach.conf.5.gz usr/share/man/man8/p2preach.8.gz"
got=$(dpkg-deb -c "$DEB" | awk '$1 !~ /^d/ { sub(/^\.\//, "", $6); print $6 }' | sort)
rm -rf "$STAGE"
mkdir -p "$STAGE"
PKG=$ROOT/build/boot/pkg
rm -rf "$PKG"
dpkg-deb -x "$DEB" "$PKG"
if [[ $got == "$(echo $want | tr ' ' '\n')" ]] &&
   [[ $(dpkg-deb -f "$DEB" Package Architecture | tr '\n' ' ') == "Package: p2preach Architecture: amd64 " ]] &&
   grep -qx 'ExecStart=/usr/sbin/p2preach daemon --config /etc/p2preach/policy.conf' \
	"$PKG/lib/systemd/system/p2preach.service"; then
	ok "the package holds the binary, unit, man pages, completion, policy and BPF objects"
else
	not_ok "the package holds: $(echo $got)"
fi
if [[ $(dpkg-deb --ctrl-tarfile "$DEB" | tar -xO ./conffiles) == /etc/p2preach/policy.conf ]]; then
	ok "/etc/p2preach/policy.conf is its conffile"
else
	not_ok "conffiles: $(dpkg-deb --ctrl-tarfile "$DEB" | tar -xO ./conffiles)"
fi
warn=$(for m in "$PKG"/usr/share/man/man*/*; do zcat "$m" | LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z 2>&1; done)
if [[ -z $warn ]]; then ok "the man pages render without warnings"; else
	not_ok "groff: $warn"; fi
# complete WORDS...: what bash completion offers for the last word.
complete_words() {
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
		_p2preach; echo "${COMPREPLY[*]}"' _ \
		"$PKG/usr/share/bash-completion/completions/p2preach" "$@"
}
if [[ $(complete_words p2preach st) == "stats status" &&
      $(complete_words p2preach allow a b "") == "read rw" &&
      $(complete_words p2preach deny a b --b) == "--both" &&
      $(complete_words p2preach show --j) == "--json" ]]; then
	ok "bash completion offers commands, verdicts and options"
else
	not_ok "bash completion: '$(complete_words p2preach st)', '$(complete_words p2preach allow a b "")'"
fi

# --- install them with apt into a copy of the cached root filesystem
ROOTFS=$(tests/vm/boot/mkrootfs.sh) || { not_ok "no root filesystem"; exit 1; }
rm -rf "$SYSROOT"
cp -a --reflink=auto "$ROOTFS" "$SYSROOT"
mkdir -p "$SYSROOT/tmp/debs"
cp "$DEB" "$KDEB" "$SYSROOT/tmp/debs/"
# in_root CMD...: run CMD chrooted into the root, with /proc and /dev.
in_root() {
	unshare --mount --fork -- sh -c 'r=$1; shift
		mount -t proc proc "$r/proc" && mount --rbind /dev "$r/dev" &&
		exec chroot "$r" "$@"' _ "$SYSROOT" "$@"
}
apt_install() {
	in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		-o Dpkg::Use-Pty=0 "$@" </dev/null >>"$ILOG" 2>&1
}
if apt_install "/tmp/debs/$(basename "$DEB")" "/tmp/debs/$(basename "$KDEB")" &&
   [[ $(in_root dpkg-query -W -f='${db:Status-Abbrev}' p2preach "$(dpkg-deb -f "$KDEB" Package)") == "ii ii " ]]; then
	ok "apt-get install ./p2preach_*.deb ./linux-image-*.deb installs both"
else
	not_ok "apt-get install failed (log: $ILOG)"
	exit 1
fi
KVER=$(dpkg-deb -f "$KDEB" Package)
KVER=${KVER#linux-image-}
KIMAGE=$SYSROOT/boot/vmlinuz-$KVER
if [[ -f $KIMAGE && -f $SYSROOT/boot/config-$KVER ]] &&
   grep -q '/test_hmm\.ko' "$SYSROOT/lib/modules/$KVER/modules.dep"; then
	ok "the kernel package installed /boot/vmlinuz-$KVER and its modules, test_hmm among them"
else
	not_ok "no /boot/vmlinuz-$KVER or no test_hmm in /lib/modules/$KVER/modules.dep"
fi
if [[ $(readlink "$SYSROOT/etc/systemd/system/multi-user.target.wants/p2preach.service") == \
      /lib/systemd/system/p2preach.service ]]; then
	ok "installing the package enabled p2preach.service"
else
	not_ok "p2preach.service is not enabled in the root filesystem"
fi
# The admin names the devices in the policy file; reinstalling (as an
# upgrade does) keeps the edited conffile.
install -m 0644 tests/vm/boot/boot-policy.conf "$SYSROOT/etc/p2preach/policy.conf"
if apt_install --reinstall "/tmp/debs/$(basename "$DEB")" &&
   cmp -s tests/vm/boot/boot-policy.conf "$SYSROOT/etc/p2preach/policy.conf"; then
	ok "reinstalling the package keeps the admin's /etc/p2preach/policy.conf"
else
	not_ok "reinstalling replaced /etc/p2preach/policy.conf (log: $ILOG)"
fi
rm -rf "$SYSROOT/tmp/debs"

# --- boot it
# The kernel must run systemd from a read-only 9p root with an overlay on
# top; the package's /boot/config-* says whether it can.
skip() {
	n=$((n + 1))
	echo "ok $n - boot: systemd boots and p2preach is in force # SKIP $*"
	exit $((fails > 0))
}
for opt in CGROUPS OVERLAY_FS AUTOFS_FS SECCOMP_FILTER TMPFS_XATTR; do
	grep -q "^CONFIG_$opt=y" "$SYSROOT/boot/config-$KVER" ||
		skip "the test kernel has no CONFIG_$opt"
done

# The test's own files, on top of the root filesystem (see overlay-init).
# Everything under usr/, etc/ and opt/: the root has merged /usr.
# test_hmm comes from the kernel package, loaded at boot by
# systemd-modules-load.
install -D -m 0644 /dev/stdin "$STAGE/etc/modules-load.d/test_hmm.conf" <<<"test_hmm"
install -D -m 0755 build/tests/peer_access "$STAGE/opt/p2preach-test/peer_access"
install -m 0755 tests/vm/boot/boot-check.sh "$STAGE/opt/p2preach-test/boot-check.sh"
install -D -m 0644 tests/vm/boot/p2preach-boot-check.service \
	"$STAGE/etc/systemd/system/p2preach-boot-check.service"
# Enabled as `systemctl enable` does it (WantedBy=multi-user.target).
wants=$STAGE/etc/systemd/system/multi-user.target.wants
mkdir -p "$wants"
ln -s /etc/systemd/system/p2preach-boot-check.service "$wants/p2preach-boot-check.service"
# The checks own the serial console: a getty there would hang it up.
ln -s /dev/null "$STAGE/etc/systemd/system/serial-getty@ttyS0.service"

tests/vm/boot/run-rootfs "$SYSROOT" "$STAGE" "$LOG" "$KIMAGE"
status=$?
# The guest numbers its lines from 1: continue after ours.
grep -E '^(not )?ok |^# ' "$LOG" | awk -v n=$n '
	/^(not )?ok [0-9]+ / { sub(/ok [0-9]+ /, "ok " (++n) " ") } { print }'
if [[ $status -ne 0 ]] && ! grep -q '^not ok ' "$LOG"; then
	echo "not ok - boot: the booted system failed (status $status, log: $LOG)"
fi
# The root filesystem copy is kept for a look after a failure only.
[[ $status -eq 0 && $fails -eq 0 ]] && rm -rf "$SYSROOT" "$PKG"
[[ $status -eq 0 && $fails -eq 0 ]]
