#!/bin/sh
# policy-file.sh N: a policy file for N kernel ids: the two test_hmm
# devices (a client id and a provider id each) and the N - 4 fake devices
# bench0.. that p2preach_native registers as clients, one rule per device.
n=$1
echo "# bench: $n ids"
echo "device d0 = hmm_dmirror0"
echo "device d1 = hmm_dmirror1"
i=0
while [ "$i" -lt $((n - 4)) ]; do
	echo "device f$i = bench$i"
	i=$((i + 1))
done
echo "allow d1 -> d0"
i=0
while [ "$i" -lt $((n - 4)) ]; do
	# Each fake device may read dmirror0's memory.
	echo "allow f$i -> d0 read"
	i=$((i + 1))
done
echo "default deny"
