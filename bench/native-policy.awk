# The policy files of policy-file.sh as commands for p2preach_native's
# debugfs "policy" file: the same devices and verdicts.
BEGIN { print "clear" }
$1 == "device" { name[$2] = $4; print "device " $4 }
$1 == "allow" && $3 == "->" { print "set " name[$2] " " name[$4] " " ($5 == "read" ? 1 : 2) }
$1 == "default" { print "default " ($2 == "deny" ? 0 : $2 == "read" ? 1 : 2) }
