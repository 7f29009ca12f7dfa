# Decision cost against the number of kernel ids (bench/run.sh passes data and out).
set terminal svg size 720,420 dynamic font "sans,12"
set output out
set title "p2preach: cost of one decision through the hook (QEMU TCG)"
set xlabel "kernel ids (devices' client and provider ids)"
set ylabel "ns per decision"
set logscale x 2
set yrange [0:*]
set key bottom right
set grid ytics
plot data using 1:2 with linespoints lw 2 pt 7 title "BPF policy (hook loop)", \
     data using 1:3 with linespoints lw 2 pt 5 title "native C policy (hook loop)", \
     data using 1:4 with linespoints lw 1 pt 1 dt 3 title "hook only (null C policy)"
