#!/bin/sh
# In the VM on the native kernel: BPF policy against the native module,
# benefit of peer access, and scale. Prints "BENCH KEY VALUE" lines for
# bench/run.sh. Sizes in BENCH_SIZES; the 1024-device case uses the bench
# build of the policy and loader.
set -e
R=$P2PREACH_ROOT/build
BB=$R/bench
NF=/sys/kernel/debug/p2preach_native
NPAGES=${BENCH_NPAGES:-4096}
REPS=${BENCH_REPS:-7}
LOOPS=${BENCH_LOOPS:-500000}

say() { echo "BENCH $*"; }
now() { date +%s%N; }

# loop: ns per decision of hmm_dmirror1 -> hmm_dmirror0 through the hook,
# median of three loops.
loop() {
	all=
	for i in 1 2 3; do
		echo "hmm_dmirror1 hmm_dmirror0 $LOOPS" >$NF/loop
		read -r n ns allowed <$NF/loop
		[ "$allowed" = "$n" ] || { echo "bench: loop: $allowed of $n allowed" >&2; exit 1; }
		all="$all $(awk -v ns="$ns" -v n="$n" 'BEGIN { printf "%.1f\n", ns / n }')"
	done
	median $all
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

# Run "$@" with its output shown only if it fails (fake devices warn).
quiet() { "$@" >/tmp/out 2>&1 || { cat /tmp/out; exit 1; }; }

# The policy file as commands for the native module, in one write.
native_policy() {
	awk -f "$P2PREACH_ROOT/bench/native-policy.awk" "$1" >/tmp/native.txt
	cat /tmp/native.txt >$NF/policy
}

# The first round's loop, kept in /tmp while the rest of its round runs.
loop_of() { cat "/tmp/$1"; }

# median of "$@"
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

insmod "$BB/native/p2preach_native.ko"
say kernel "$(uname -r)"

# The test kernel's lockdep first, as make check runs it; then off for
# the rest (the same for BPF and C, and closer to a production kernel).
f=/tmp/policy-2.conf
sh "$P2PREACH_ROOT/bench/policy-file.sh" 2 >"$f"
quiet "$R/p2preach" load "$f"
say bpf_loop_lockdep_ns "$(loop)"
quiet "$R/p2preach" detach
native_policy "$f"
echo "attach matrix" >$NF/policy
say native_loop_lockdep_ns "$(loop)"
echo detach >$NF/policy
echo "attach null" >$NF/policy
say null_loop_lockdep_ns "$(loop)"
echo detach >$NF/policy
echo "lockdep off" >$NF/policy
for n in ${BENCH_SIZES:-2 64 1024}; do
	P=$R/p2preach
	[ "$n" -le 64 ] || P=$BB/p2preach
	f=/tmp/policy-$n.conf
	sh "$P2PREACH_ROOT/bench/policy-file.sh" "$n" >"$f"

	# Beyond 64 devices every edit rewrites a large matrix: fewer repetitions.
	reps=5 applies="1 2 3" rounds=${BENCH_ROUNDS:-5}
	[ "$n" -le 64 ] || reps=1 applies=1

	t=$(now)
	quiet "$P" load "$f"
	say "load_ms_$n" "$(awk -v t=$(($(now) - t)) 'BEGIN { printf "%.1f", t / 1e6 }')"
	times=
	for i in $applies; do
		t=$(now)
		quiet "$P" apply "$f"
		times="$times $(($(now) - t))"
	done
	say "apply_ms_$n" "$(awk -v t="$(median $times)" 'BEGIN { printf "%.1f", t / 1e6 }')"

	echo "$(loop)" >/tmp/bpf_loop_ns_$n
	say "bpf_stats_loop_ns_$n" "$(bpf_stats loop)"
	"$BB/peer" edit "$P" 1 0 "$reps" | sed "s/^\(edit_[a-z]*\) /BENCH \1_ns_$n /"

	if [ "$n" = 2 ]; then
		"$P" allow d1 d0 rw >/dev/null	# the edits above ended on deny
		# End to end: peer reads, allowed (BPF), then denied.
		say bpf_stats_read_ns "$(bpf_stats "$BB/peer" read 1 0 "$NPAGES" 1)"
		"$BB/peer" read 1 0 "$NPAGES" "$REPS" | sed 's/^/BENCH bpf_allowed_/'
		"$P" deny d1 d0 >/dev/null
		"$BB/peer" read 1 0 "$NPAGES" "$REPS" | sed 's/^/BENCH bpf_denied_/'
	fi
	"$P" detach >/dev/null

	# The same matrix in C, behind the same hook.
	native_policy "$f"
	echo "attach matrix" >$NF/policy
	echo "$(loop)" >/tmp/native_loop_ns_$n
	if [ "$n" = 2 ]; then
		"$BB/peer" read 1 0 "$NPAGES" "$REPS" | sed 's/^/BENCH native_allowed_/'
	fi
	echo detach >$NF/policy

	# More rounds where BPF and C take turns, so that host noise falls on
	# both alike; the report reads the medians over all rounds.
	bpf=$(loop_of bpf_loop_ns_$n) native=$(loop_of native_loop_ns_$n)
	[ "$n" -le 64 ] || rounds=1
	for r in $(seq 2 "$rounds"); do
		quiet "$P" load "$f"
		bpf="$bpf $(loop)"
		quiet "$P" detach
		echo "attach matrix" >$NF/policy
		native="$native $(loop)"
		echo detach >$NF/policy
	done
	say "bpf_loop_ns_$n" "$(median $bpf)"
	say "native_loop_ns_$n" "$(median $native)"

	echo "attach null" >$NF/policy
	say "null_loop_ns_$n" "$(loop)"
	echo detach >$NF/policy
done
rmmod p2preach_native
