#!/bin/sh
# In the VM on the native kernel: BPF policy against the native module,
# decisions per peer read, peer reads against reads of the device's own
# memory, benefit of peer access, and scale. Prints "BENCH KEY VALUE"
# lines for bench/run.sh. Id counts in BENCH_SIZES (4 at least: the two
# test_hmm devices hold a client and a provider id each).
set -e
R=$P2PREACH_ROOT/build
BB=$R/bench
NF=/sys/kernel/debug/p2preach_native
IDS=/sys/kernel/mm/pagemap_reach/devices
NPAGES=${BENCH_NPAGES:-4096}
REPS=${BENCH_REPS:-7}
LOOPS=${BENCH_LOOPS:-500000}
ROUNDS=${BENCH_ROUNDS:-5}
# The product's policy and loader, and the scale benchmark's.
P=$R/p2preach
PB=$BB/p2preach

say() { echo "BENCH $*"; }

# "ID ROLE DEV_NAME INDEX" for every kernel id, in one pass over sysfs.
ids_table() {
	grep -H . "$IDS"/*/dev_name "$IDS"/*/role "$IDS"/*/index |
		awk -F: '{ n = split($1, a, "/"); t[a[n - 1], a[n]] = substr($0, length($1) + 2); ids[a[n - 1]] }
			END { for (i in ids) print i, t[i, "role"], t[i, "dev_name"], t[i, "index"] }'
}

# reach_id DEV_NAME ROLE: the id of the device's client, or first provider.
reach_id() {
	ids_table | awk -v d="$1" -v r="$2" '$2 == r && $3 == d && $4 == 0 { print $1; f = 1 }
		END { if (!f) { print "bench: no " r " id for " d > "/dev/stderr"; exit 1 } }'
}

# loop: ns per decision of dmirror1 -> dmirror0's memory through the hook,
# median of three loops.
loop() {
	all=
	for i in 1 2 3; do
		echo "$CLIENT $PROVIDER $LOOPS" >$NF/loop
		read -r n ns allowed <$NF/loop
		[ "$allowed" = "$n" ] || { echo "bench: loop: $allowed of $n allowed" >&2; exit 1; }
		all="$all $(awk -v ns="$ns" -v n="$n" 'BEGIN { printf "%.1f\n", ns / n }')"
	done
	median $all
}

# say_loop KEY: say KEY with loop's result; a failing loop ends the run.
say_loop() {
	v=$(loop)
	say "$1" "$v"
}

# run_time_ns / run_cnt of the BPF policy over "$@".
bpf_stats() {
	prog() { "$R/tools/bpftool" prog show name p2preach_decide --json; }
	sysctl -q -w kernel.bpf_stats_enabled=1
	before=$(prog)
	"$@" >/dev/null
	after=$(prog)
	sysctl -q -w kernel.bpf_stats_enabled=0
	python3 -c 'import json,sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
n = b.get("run_cnt", 0) - a.get("run_cnt", 0)
t = b.get("run_time_ns", 0) - a.get("run_time_ns", 0)
print("%.1f" % (t / n) if n else "nan")' "$before" "$after"
}

# Run "$@" with its output shown only if it fails.
quiet() { "$@" >/tmp/out 2>&1 || { cat /tmp/out; exit 1; }; }

# native_policy FILE MAX: the policy file as commands for the native
# module, resolved to ids as the loader built with MAX devices resolves
# it, in one write.
native_policy() {
	ids_table >/tmp/ids.txt
	awk -v max="$2" -f "$P2PREACH_ROOT/bench/native-policy.awk" /tmp/ids.txt "$1" >/tmp/native.txt
	cat /tmp/native.txt >$NF/policy
}
native() { echo "$*" >$NF/policy; }
# The null policy in BPF, registered with plain bpftool.
bpf_null() {
	mkdir /sys/fs/bpf/bench_null
	quiet "$R/tools/bpftool" struct_ops register "$BB/bpf-null/null.bpf.o" /sys/fs/bpf/bench_null
}
bpf_null_off() { rm -r /sys/fs/bpf/bench_null; }

# scale LOADER FILE TAG: load, apply (median of 3) and edit to effect
# (median of 5 of each) with LOADER, as BENCH KEY_ns_TAG lines, timed
# from the fork of the command. The loader ran once before, so its first
# run does not read it over 9p. Leaves the policy attached, with the pair
# allowed.
scale() {
	"$1" status >/dev/null 2>&1 || true
	prefixed load_ "_$3" "$BB/peer" time 1 "$1" load "$2"
	prefixed apply_ "_$3" "$BB/peer" time 3 "$1" apply "$2"
	# Each edit changes the verdict: allow, deny, allow, ...
	quiet "$1" deny d1 d0
	prefixed "" "_ns_$3" "$BB/peer" edit "$1" 1 0 5
	quiet "$1" allow d1 d0 rw
}

# prefixed PREFIX SUFFIX CMD...: CMD's "KEY VALUE" lines as BENCH
# PREFIXKEYSUFFIX lines; a failing CMD ends the run.
prefixed() {
	pre=$1 suf=$2
	shift 2
	"$@" >/tmp/res
	sed "s/^\([a-z_]*\) /BENCH $pre\1$suf /" /tmp/res
}

# median of "$@"
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

insmod "$BB/native/p2preach_native.ko"
say kernel "$(uname -r)"
CLIENT=$(reach_id hmm_dmirror1 client)
PROVIDER=$(reach_id hmm_dmirror0 provider)
say loop_ids "$CLIENT $PROVIDER"

# Two devices, the product's build (64 ids), as an admin runs it.
f=/tmp/policy-4.conf
sh "$P2PREACH_ROOT/bench/policy-file.sh" 4 >"$f"
native_policy "$f" 64

# The test kernel's lockdep first, as make check runs it; then off for
# the rest (the same for BPF and C, and closer to a production kernel).
quiet "$P" load "$f"
say_loop bpf_loop_lockdep_ns
quiet "$P" detach
native attach matrix
say_loop native_loop_lockdep_ns
native detach
native attach null
say_loop null_loop_lockdep_ns
native detach
native lockdep off

# Per decision: BPF and C take turns, so that host noise falls on both
# alike (which goes first alternates too); the report reads the medians.
bpf= nat= dense= null= bnull=
for r in $(seq "$ROUNDS"); do
	if [ $((r % 2)) = 0 ]; then
		native attach matrix
		nat="$nat $(loop)"
		native detach
	fi
	quiet "$P" load "$f"
	bpf="$bpf $(loop)"
	if [ "$r" = 1 ]; then
		v=$(bpf_stats loop)
		say bpf_stats_loop_ns "$v"
	fi
	quiet "$P" detach
	if [ $((r % 2)) = 1 ]; then
		native attach matrix
		nat="$nat $(loop)"
		native detach
	fi
	native attach dense
	dense="$dense $(loop)"
	native detach
	native attach null
	null="$null $(loop)"
	native detach
	bpf_null
	bnull="$bnull $(loop)"
	bpf_null_off
done
say bpf_loop_ns "$(median $bpf)"
say native_loop_ns "$(median $nat)"
say dense_loop_ns "$(median $dense)"
say null_loop_ns "$(median $null)"
say bpf_null_loop_ns "$(median $bnull)"
say bpf_loop_rounds "$(echo $bpf | tr ' ' ,)"
say native_loop_rounds "$(echo $nat | tr ' ' ,)"

# Peer reads: allowed with BPF (and the same read through the owner),
# denied with BPF, allowed with C.
quiet "$P" load "$f"
prefixed bpf_allowed_ "" "$BB/peer" read 1 0 "$NPAGES" "$REPS" own
quiet "$P" deny d1 d0
prefixed bpf_denied_ "" "$BB/peer" read 1 0 "$NPAGES" "$REPS"
quiet "$P" detach
native attach matrix
prefixed native_allowed_ "" "$BB/peer" read 1 0 "$NPAGES" "$REPS"
native detach

# Load, apply and edit with the product's build, for comparison with the
# scale build's below; and what starting any process costs here.
scale "$P" "$f" p64
prefixed true_ "" "$BB/peer" time 5 /bin/true
prefixed version_ "" "$BB/peer" time 5 "$P" --version
quiet "$P" detach

# Scale: the bench build of the policy and loader (1,024 ids), N ids in
# sysfs, every size with the same repetitions.
for n in ${BENCH_SIZES:-4 64 1024}; do
	native fakes $((n - 4))
	f=/tmp/policy-$n.conf
	sh "$P2PREACH_ROOT/bench/policy-file.sh" "$n" >"$f"
	say "ids_$n" "$(ls "$IDS" | wc -l)"
	scale "$PB" "$f" "$n"
	say_loop "bpf_scale_loop_ns_$n"
	quiet "$PB" detach

	native_policy "$f" 1024
	native attach matrix
	say_loop "native_scale_loop_ns_$n"
	native detach
	native attach null
	say_loop "null_scale_loop_ns_$n"
	native detach
done
rmmod p2preach_native
