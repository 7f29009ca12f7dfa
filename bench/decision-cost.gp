# Decision cost against device count (bench/run.sh passes data and out).
set terminal svg size 720,420 dynamic font "sans,12"
set output out
set title "p2preach: cost of one decision through the hook (QEMU TCG)"
set xlabel "devices in the policy"
set ylabel "ns per decision"
set logscale x 2
set xtics (2, 8, 64, 256, 1024)
set yrange [0:*]
set key top left
set grid ytics
plot data using 1:2 with linespoints lw 2 pt 7 title "BPF policy (hook loop)", \
     data using 1:3 with linespoints lw 2 pt 5 title "native C policy (hook loop)", \
     data using 1:5 with linespoints lw 2 pt 9 dt 2 title "BPF run-time stats", \
     data using 1:4 with linespoints lw 1 pt 1 dt 3 title "hook only (null policy)"
