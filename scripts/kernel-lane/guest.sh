#!/bin/bash
# The full-kernel lane, stage 2: PID 1, chrooted into the host's own files
# (read-only but for tmpfs on /tmp /run /root … and the project share).
# Sets up what the live tests expect of a machine — loopback up, /run/netns,
# /dev/net/tun — runs the job in the project directory as root, writes its
# exit status beside its output, and powers the guest off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb LANG=C.UTF-8
run=$RTNL_LANE_run
hostname rtnl-kernel-lane
ip link set lo up
mkdir -p /run/netns /dev/net "$run"
[ -e /dev/net/tun ] || mknod /dev/net/tun c 10 200
ln -sf /proc/self/fd /dev/fd; ln -sf fd/0 /dev/stdin; ln -sf fd/1 /dev/stdout; ln -sf fd/2 /dev/stderr
# No udev here: load what has no autoload path; the rest loads on demand.
modprobe -a tun veth 2>/dev/null
up=$(cut -d' ' -f1 /proc/uptime)
echo "rtnl kernel lane: guest $(uname -r) up after ${up}s, $(nproc) CPUs, $(free -m | awk '/Mem:/{print $2}') MiB"
cd "$RTNL_LANE_project" || exit 1
# Process substitution, not a pipe: a background process the job leaves
# behind (holding its stdout) must not keep the guest up.
timeout -k 10 "${RTNL_LANE_timeout:-3000}" bash "$run/job.sh" </dev/null > >(tee "$run/output") 2>&1
echo $? > "$run/rc"
echo "rtnl kernel lane: job done after $(cut -d' ' -f1 /proc/uptime)s"
sync
busybox poweroff -f
