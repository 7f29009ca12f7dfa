#!/bin/sh
# The series' own kselftests (tools/testing/selftests/pagemap_reach), built
# by their kselftest Makefile: the hook through test_hmm with a BPF policy.
# Their wrapper loads test_hmm only when it is not loaded (it is, here).
# The shared_owner tests reload test_hmm with modprobe, as on an installed
# kernel; the guest has no module directory, so a modprobe of test_hmm
# becomes rmmod or insmod of the test kernel's test_hmm.ko.
set -e
shim=$(mktemp -d)
cat >"$shim/modprobe" <<SHIM
#!/bin/sh
remove=
while [ \$# -gt 0 ]; do
	case \$1 in
	-q) ;;
	-r) remove=1 ;;
	test_hmm) shift; break ;;
	*) echo "modprobe shim: only test_hmm" >&2; exit 1 ;;
	esac
	shift
done
if [ -n "\$remove" ]; then
	exec rmmod test_hmm
fi
exec insmod "$P2PREACH_KERNEL/test_hmm.ko" "\$@"
SHIM
chmod +x "$shim/modprobe"
export PATH="$shim:$PATH"
cd "$P2PREACH_ROOT/build/selftests/pagemap_reach"
exec ./run_tests.sh
