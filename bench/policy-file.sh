#!/bin/sh
# policy-file.sh N: a policy file naming N devices, the two test_hmm
# devices and N - 2 that do not exist, with one rule per device.
n=$1
echo "# bench: $n devices"
echo "device d0 = hmm_dmirror0"
echo "device d1 = hmm_dmirror1"
i=2
while [ "$i" -lt "$n" ]; do
	echo "device f$i = bench-fake$i"
	i=$((i + 1))
done
echo "allow d1 -> d0"
i=2
while [ "$i" -lt "$n" ]; do
	# A ring through the fake devices, read-only.
	j=$((i + 1))
	[ "$j" -lt "$n" ] || j=2
	[ "$j" -eq "$i" ] || echo "allow f$i -> f$j read"
	i=$((i + 1))
done
echo "default deny"
