# The policy files of policy-file.sh as commands for p2preach_native's
# debugfs "policy" file, resolved to ids as the loader resolves them: the
# first file lists the ids ("ID ROLE DEV_NAME INDEX" lines, from
# /sys/kernel/mm/pagemap_reach/devices/), the second is the policy file.
# A rule A -> B sets the cells of every client id of A's device and every
# provider id of B (only the Nth with "dev_name/N"), both below max (the
# policy's matrix size); pairs within one device are left alone.
BEGIN { print "clear" }
FNR == NR { role[$1] = $2; dev[$1] = $3; index_of[$1] = $4; next }
$1 == "device" && $3 == "=" { name[$2] = $4; next }
$1 == "default" { print "default " verdict($2); next }
($1 == "allow" || $1 == "deny") && ($3 == "->" || $3 == "<->") {
	v = $1 == "deny" ? 0 : verdict($5 == "" ? "rw" : $5)
	set($2, $4, v)
	if ($3 == "<->")
		set($4, $2, v)
}
function verdict(w) { return w == "deny" ? 0 : w == "read" ? 1 : 2 }
function device_of(n) { sub("/.*", "", n); return n }
function set(a, b, v,    na, nb, c, p) {
	na = a in name ? name[a] : a
	nb = b in name ? name[b] : b
	if (device_of(na) == device_of(nb))
		return
	for (c in role) {
		if (role[c] != "client" || dev[c] != device_of(na) || c + 0 >= max)
			continue
		for (p in role) {
			if (role[p] != "provider" || dev[p] != device_of(nb) || p + 0 >= max)
				continue
			if (nb ~ /\// && index_of[p] != substr(nb, index(nb, "/") + 1))
				continue
			print "set " c " " p " " v
		}
	}
}
