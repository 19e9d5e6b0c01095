/*
 * The C floor of the rtnl benchmarks: the same rtnetlink work as the other
 * legs, written the way a careful C program does it with libmnl — one
 * request at a time on one socket, a fixed buffer, no allocation per
 * message. Its rate is the kernel-bound limit the other legs are compared
 * with.
 *
 * Built by the benchmark harness (bench/harness/build.mjs):
 *   cc -O2 -o bench/out/floor bench/floor.c -lmnl
 *
 * Usage (every mode prints one JSON object on stdout):
 *   floor create  NS COUNT PREFIX GROUP   veth pairs PREFIXa<i>/PREFIXb<i>, one RTM_NEWLINK each
 *   floor delete  NS COUNT PREFIX         one RTM_DELLINK (by IFLA_IFNAME) per pair
 *   floor groupdel NS GROUP               one RTM_DELLINK with IFLA_GROUP (kernel deletes the whole group)
 *   floor getlink NS COUNT PREFIX MOD     COUNT RTM_GETLINK by name over PREFIXa<0..MOD-1>, reply parsed
 *   floor getlinkpipe NS COUNT PREFIX MOD WINDOW   the same look-ups pipelined: WINDOW requests
 *                                         back to back in one sendto, then their WINDOW replies
 *   floor dump    NS REPEAT               REPEAT full RTM_GETLINK dumps, every attribute parsed
 *   floor record  NS FILE                 one dump, its messages written back to back into FILE
 *   floor codec   FILE ITER               decode (attribute tables) and re-encode every message of FILE
 *
 * NS is a name under /run/netns: the program setns()es into it before
 * opening its socket, as `ip -n NS` does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

/* The kernel builds dump chunks of up to 32 KiB; receive into more. */
#define RECV_SIZE (64 * 1024)

static char rbuf[RECV_SIZE];
static char sbuf[4096];
static unsigned int seq_no;
static unsigned int port_id;

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what) {
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* CPU time (user + system) of this process: unlike wall time, it does not
 * count the time other processes on a busy machine held the CPU. */
static double cpu_seconds(void) {
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static double cpu_start;

/* Starts the clocks of a timed section. */
static double start_clock(void) {
	cpu_start = cpu_seconds();
	return now();
}

static long max_rss_kb(void) {
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void enter_netns(const char *ns) {
	char path[512];
	snprintf(path, sizeof path, "/run/netns/%s", ns);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) die(path);
	if (setns(fd, CLONE_NEWNET) < 0) die("setns");
	close(fd);
}

/* Same socket options as rtnl's RtnlSocket, so the kernel does the same work. */
static struct mnl_socket *open_socket(const char *ns) {
	enter_netns(ns);
	struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl) die("mnl_socket_open");
	int one = 1;
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof one);
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof one);
	mnl_socket_setsockopt(nl, NETLINK_GET_STRICT_CHK, &one, sizeof one);
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) die("mnl_socket_bind");
	port_id = mnl_socket_get_portid(nl);
	return nl;
}

static struct nlmsghdr *start(uint16_t type, uint16_t flags) {
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(sbuf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++seq_no;
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);
	ifm->ifi_family = AF_UNSPEC;
	return nlh;
}

/* Sends and runs callbacks until the ACK / reply / end of dump. */
static void transact(struct mnl_socket *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data) {
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) die("send");
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl, rbuf, sizeof rbuf);
		if (n < 0) die("recv");
		int r = mnl_cb_run(rbuf, n, nlh->nlmsg_seq, port_id, cb, data);
		if (r < 0) die("kernel answered an error");
		if (r == MNL_CB_STOP) return;
	}
}

/* ---- attribute tables: what a full decode of a link message looks like in C ---- */

struct linkinfo {
	const struct nlattr *tb[IFLA_MAX + 1];
	const struct nlattr *info[IFLA_INFO_MAX + 1];
	const char *name;
	const char *kind;
	uint32_t mtu;
	uint32_t flags;
	int index;
};

static int info_cb(const struct nlattr *a, void *data) {
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(a);
	if (mnl_attr_type_valid(a, IFLA_INFO_MAX) < 0) return MNL_CB_OK;
	if (type == IFLA_INFO_KIND && mnl_attr_validate(a, MNL_TYPE_STRING) < 0) return MNL_CB_ERROR;
	tb[type] = a;
	return MNL_CB_OK;
}

static int link_attr_cb(const struct nlattr *a, void *data) {
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(a);
	if (mnl_attr_type_valid(a, IFLA_MAX) < 0) return MNL_CB_OK;
	switch (type) {
	case IFLA_IFNAME:
	case IFLA_QDISC:
	case IFLA_IFALIAS:
		if (mnl_attr_validate(a, MNL_TYPE_STRING) < 0) return MNL_CB_ERROR;
		break;
	case IFLA_MTU:
	case IFLA_LINK:
	case IFLA_MASTER:
	case IFLA_TXQLEN:
	case IFLA_GROUP:
	case IFLA_PROMISCUITY:
	case IFLA_NUM_TX_QUEUES:
	case IFLA_NUM_RX_QUEUES:
	case IFLA_MIN_MTU:
	case IFLA_MAX_MTU:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0) return MNL_CB_ERROR;
		break;
	case IFLA_OPERSTATE:
	case IFLA_LINKMODE:
		if (mnl_attr_validate(a, MNL_TYPE_U8) < 0) return MNL_CB_ERROR;
		break;
	case IFLA_LINKINFO:
	case IFLA_AF_SPEC:
	case IFLA_XDP:
		if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0) return MNL_CB_ERROR;
		break;
	}
	tb[type] = a;
	return MNL_CB_OK;
}

/* Parses one RTM_NEWLINK message into `li`: every attribute into its table slot. */
static int decode_link(const struct nlmsghdr *nlh, struct linkinfo *li) {
	memset(li, 0, sizeof *li);
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	li->index = ifm->ifi_index;
	li->flags = ifm->ifi_flags;
	if (mnl_attr_parse(nlh, sizeof *ifm, link_attr_cb, li->tb) < 0) return -1;
	if (li->tb[IFLA_IFNAME]) li->name = mnl_attr_get_str(li->tb[IFLA_IFNAME]);
	if (li->tb[IFLA_MTU]) li->mtu = mnl_attr_get_u32(li->tb[IFLA_MTU]);
	if (li->tb[IFLA_LINKINFO]) {
		if (mnl_attr_parse_nested(li->tb[IFLA_LINKINFO], info_cb, li->info) < 0) return -1;
		if (li->info[IFLA_INFO_KIND]) li->kind = mnl_attr_get_str(li->info[IFLA_INFO_KIND]);
	}
	return 0;
}

struct dump_state {
	long links;
	long bytes;
	uint64_t check; /* keeps the compiler from dropping the decode */
	FILE *record;
};

static int link_cb(const struct nlmsghdr *nlh, void *data) {
	struct dump_state *st = data;
	struct linkinfo li;
	if (decode_link(nlh, &li) < 0) return MNL_CB_ERROR;
	st->links++;
	st->bytes += nlh->nlmsg_len;
	st->check += li.mtu + (li.name ? (unsigned char)li.name[0] : 0) + (li.kind ? 1 : 0);
	if (st->record) {
		/* Back to back at 4-byte alignment, as they sit in a datagram. */
		static const char zeros[4];
		size_t pad = MNL_ALIGN(nlh->nlmsg_len) - nlh->nlmsg_len;
		if (fwrite(nlh, 1, nlh->nlmsg_len, st->record) != nlh->nlmsg_len || fwrite(zeros, 1, pad, st->record) != pad) die("fwrite");
	}
	return MNL_CB_OK;
}

/* ---- workloads ---- */

static void put_veth(struct nlmsghdr *nlh, const char *name, const char *peer, uint32_t group) {
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (group) mnl_attr_put_u32(nlh, IFLA_GROUP, group);
	struct nlattr *linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	struct nlattr *data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	struct nlattr *p = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* VETH_INFO_PEER holds a struct ifinfomsg, then the peer's IFLA attributes. */
	struct ifinfomsg *pifm = mnl_nlmsg_put_extra_header(nlh, sizeof *pifm);
	pifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	mnl_attr_nest_end(nlh, p);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
}

static void emit(const char *mode, long ops, double seconds, const char *extra) {
	printf("{\"mode\":\"%s\",\"ops\":%ld,\"seconds\":%.9f,\"cpuSeconds\":%.6f,\"maxRssKb\":%ld%s%s}\n", mode, ops, seconds,
	       cpu_seconds() - cpu_start, max_rss_kb(), extra ? "," : "", extra ? extra : "");
}

/* BENCH_WARM_PAIRS / BENCH_SETTLE_MS, set by the harness: see warm_up_creates. */
static long env_long(const char *name, long fallback) {
	const char *v = getenv(name);
	return v && *v ? atol(v) : fallback;
}

/*
 * What every create leg does before its clock starts (bench/harness/main.mjs
 * explains why): create and group-delete a few pairs the same way, then sit
 * idle for the same time. Creating a veth pair waits for an expedited RCU
 * grace period (veth_init_queues -> netif_set_real_num_tx_queues ->
 * synchronize_rcu_expedited), which needs every CPU to pass a quiescent
 * state, so whatever else runs on the machine at that moment, and the slab
 * caches' state after the previous deletes, show up in the time.
 */
static void warm_up_creates(struct mnl_socket *nl, const char *prefix, uint32_t group) {
	long pairs = env_long("BENCH_WARM_PAIRS", 0);
	char a[64], b[64];
	for (long i = 0; i < pairs; i++) {
		snprintf(a, sizeof a, "%sw%ld", prefix, i);
		snprintf(b, sizeof b, "%sv%ld", prefix, i);
		struct nlmsghdr *nlh = start(RTM_NEWLINK, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
		put_veth(nlh, a, b, group + 1);
		transact(nl, nlh, NULL, NULL);
	}
	if (pairs > 0) {
		struct nlmsghdr *nlh = start(RTM_DELLINK, NLM_F_ACK);
		mnl_attr_put_u32(nlh, IFLA_GROUP, group + 1);
		transact(nl, nlh, NULL, NULL);
	}
	long ms = env_long("BENCH_SETTLE_MS", 0);
	if (ms > 0) usleep((useconds_t)ms * 1000);
}

static int cmd_create(const char *ns, long count, const char *prefix, uint32_t group) {
	struct mnl_socket *nl = open_socket(ns);
	char a[64], b[64]; /* names over 15 bytes are the kernel's to refuse */
	warm_up_creates(nl, prefix, group);
	double t0 = start_clock();
	for (long i = 0; i < count; i++) {
		snprintf(a, sizeof a, "%sa%ld", prefix, i);
		snprintf(b, sizeof b, "%sb%ld", prefix, i);
		struct nlmsghdr *nlh = start(RTM_NEWLINK, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
		put_veth(nlh, a, b, group);
		transact(nl, nlh, NULL, NULL);
	}
	emit("create", count, now() - t0, NULL);
	mnl_socket_close(nl);
	return 0;
}

static int cmd_delete(const char *ns, long count, const char *prefix) {
	struct mnl_socket *nl = open_socket(ns);
	char a[64];
	double t0 = start_clock();
	for (long i = 0; i < count; i++) {
		snprintf(a, sizeof a, "%sa%ld", prefix, i);
		struct nlmsghdr *nlh = start(RTM_DELLINK, NLM_F_ACK);
		mnl_attr_put_strz(nlh, IFLA_IFNAME, a);
		transact(nl, nlh, NULL, NULL);
	}
	emit("delete", count, now() - t0, NULL);
	mnl_socket_close(nl);
	return 0;
}

static int cmd_groupdel(const char *ns, uint32_t group) {
	struct mnl_socket *nl = open_socket(ns);
	double t0 = start_clock();
	struct nlmsghdr *nlh = start(RTM_DELLINK, NLM_F_ACK);
	mnl_attr_put_u32(nlh, IFLA_GROUP, group);
	transact(nl, nlh, NULL, NULL);
	emit("groupdel", 1, now() - t0, NULL);
	mnl_socket_close(nl);
	return 0;
}

/*
 * Pipelined look-ups: WINDOW requests written back to back into one buffer
 * and sent with one sendto (the kernel runs every message of the datagram,
 * netlink_rcv_skb), then one recv per reply (each reply is its own skb).
 * The same window and message as rtnl's batch.
 */
static char pbuf[64 * 1024];
static int cmd_getlinkpipe(const char *ns, long count, const char *prefix, long mod, long window) {
	struct mnl_socket *nl = open_socket(ns);
	char a[64];
	struct dump_state st = {0};
	double t0 = start_clock();
	for (long done = 0; done < count;) {
		long n = count - done < window ? count - done : window;
		size_t len = 0;
		unsigned int first = seq_no + 1;
		for (long k = 0; k < n; k++) {
			snprintf(a, sizeof a, "%sa%ld", prefix, (done + k) % mod);
			struct nlmsghdr *nlh = mnl_nlmsg_put_header(pbuf + len);
			nlh->nlmsg_type = RTM_GETLINK;
			nlh->nlmsg_flags = NLM_F_REQUEST;
			nlh->nlmsg_seq = ++seq_no;
			struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);
			ifm->ifi_family = AF_UNSPEC;
			mnl_attr_put_strz(nlh, IFLA_IFNAME, a);
			mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_VF);
			len += NLMSG_ALIGN(nlh->nlmsg_len);
			if (len > sizeof pbuf - 256) die("window too large for the send buffer");
		}
		if (mnl_socket_sendto(nl, pbuf, len) < 0) die("send");
		for (long k = 0; k < n; k++) {
			ssize_t r = mnl_socket_recvfrom(nl, rbuf, sizeof rbuf);
			if (r < 0) die("recv");
			/* Seq 0: the replies of the window come in order, each checked against its own request below. */
			if (mnl_cb_run(rbuf, r, 0, port_id, link_cb, &st) < 0) die("getlink reply");
			const struct nlmsghdr *h = (const struct nlmsghdr *)rbuf;
			if (h->nlmsg_seq != first + k) die("pipelined reply out of order");
		}
		done += n;
	}
	double dt = now() - t0;
	char extra[96];
	snprintf(extra, sizeof extra, "\"links\":%ld,\"check\":%llu", st.links, (unsigned long long)st.check);
	emit("getlinkpipe", count, dt, extra);
	mnl_socket_close(nl);
	return st.links == count ? 0 : 1;
}

static int cmd_getlink(const char *ns, long count, const char *prefix, long mod) {
	struct mnl_socket *nl = open_socket(ns);
	char a[64];
	struct dump_state st = {0};
	double t0 = start_clock();
	for (long i = 0; i < count; i++) {
		snprintf(a, sizeof a, "%sa%ld", prefix, i % mod);
		/* No NLM_F_ACK: the reply (or an NLMSG_ERROR) settles a GET, as `ip link show dev` does. */
		struct nlmsghdr *nlh = start(RTM_GETLINK, 0);
		mnl_attr_put_strz(nlh, IFLA_IFNAME, a);
		mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_VF);
		if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) die("send");
		ssize_t n = mnl_socket_recvfrom(nl, rbuf, sizeof rbuf);
		if (n < 0) die("recv");
		if (mnl_cb_run(rbuf, n, nlh->nlmsg_seq, port_id, link_cb, &st) < 0) die("getlink reply");
	}
	double dt = now() - t0;
	char extra[96];
	snprintf(extra, sizeof extra, "\"links\":%ld,\"check\":%llu", st.links, (unsigned long long)st.check);
	emit("getlink", count, dt, extra);
	mnl_socket_close(nl);
	return st.links == count ? 0 : 1;
}

static void one_dump(struct mnl_socket *nl, struct dump_state *st) {
	struct nlmsghdr *nlh = start(RTM_GETLINK, NLM_F_DUMP);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_VF);
	transact(nl, nlh, link_cb, st);
}

static int cmd_dump(const char *ns, long repeat) {
	struct mnl_socket *nl = open_socket(ns);
	char extra[256];
	int n = 0;
	n += snprintf(extra, sizeof extra, "\"samples\":[");
	long links = 0, bytes = 0;
	double total = 0;
	start_clock();
	for (long r = 0; r < repeat; r++) {
		struct dump_state st = {0};
		double t0 = now();
		one_dump(nl, &st);
		double dt = now() - t0;
		total += dt;
		links = st.links;
		bytes = st.bytes;
		if (n < (int)sizeof extra - 32) n += snprintf(extra + n, sizeof extra - n, "%s%.9f", r ? "," : "", dt);
	}
	snprintf(extra + n, sizeof extra - n, "],\"links\":%ld,\"bytes\":%ld", links, bytes);
	emit("dump", repeat, total, extra);
	mnl_socket_close(nl);
	return 0;
}

static int cmd_record(const char *ns, const char *file) {
	struct mnl_socket *nl = open_socket(ns);
	struct dump_state st = {0};
	st.record = fopen(file, "wb");
	if (!st.record) die(file);
	one_dump(nl, &st);
	if (fclose(st.record) != 0) die(file);
	char extra[96];
	snprintf(extra, sizeof extra, "\"links\":%ld,\"bytes\":%ld", st.links, st.bytes);
	emit("record", 1, 0, extra);
	mnl_socket_close(nl);
	return 0;
}

/* Re-encodes an attribute stream attribute by attribute (nests recursively), as a builder would. */
static void encode_attrs(struct nlmsghdr *out, const void *start, size_t len, int depth) {
	const char *p = start, *end = p + len;
	while (end - p >= (long)sizeof(struct nlattr)) {
		const struct nlattr *a = (const struct nlattr *)p;
		if (!mnl_attr_ok(a, (int)(end - p))) break;
		uint16_t type = a->nla_type;
		if (depth == 0 && (type & NLA_TYPE_MASK) == IFLA_LINKINFO) {
			struct nlattr *n = mnl_attr_nest_start(out, type & NLA_TYPE_MASK);
			n->nla_type = type;
			encode_attrs(out, mnl_attr_get_payload(a), mnl_attr_get_payload_len(a), 1);
			mnl_attr_nest_end(out, n);
		} else {
			mnl_attr_put(out, type, mnl_attr_get_payload_len(a), mnl_attr_get_payload(a));
		}
		p += MNL_ALIGN(a->nla_len);
	}
}

/* Builds a link message anew from the parts of `nlh`, as a program composing it would. */
static const struct nlmsghdr *reencode(const struct nlmsghdr *nlh, char *obuf) {
	/* libmnl 1.0.4's mnl_attr_put leaves padding bytes as they were: start from zeros. */
	memset(obuf, 0, MNL_ALIGN(nlh->nlmsg_len));
	struct nlmsghdr *out = mnl_nlmsg_put_header(obuf);
	*out = *nlh;
	out->nlmsg_len = MNL_NLMSG_HDRLEN;
	void *h = mnl_nlmsg_put_extra_header(out, sizeof(struct ifinfomsg));
	memcpy(h, mnl_nlmsg_get_payload(nlh), sizeof(struct ifinfomsg));
	const void *first = mnl_nlmsg_get_payload_offset(nlh, sizeof(struct ifinfomsg));
	size_t alen = nlh->nlmsg_len - MNL_NLMSG_HDRLEN - MNL_ALIGN(sizeof(struct ifinfomsg));
	encode_attrs(out, first, alen, 0);
	return out;
}

static int cmd_codec(const char *file, long iter) {
	FILE *f = fopen(file, "rb");
	if (!f) die(file);
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *data = malloc(size);
	if (!data || fread(data, 1, size, f) != (size_t)size) die("read dump");
	fclose(f);
	long msgs = 0;
	for (long off = 0; off < size; off += MNL_ALIGN(((struct nlmsghdr *)(data + off))->nlmsg_len)) msgs++;

	struct dump_state st = {0};
	double t0 = now();
	for (long r = 0; r < iter; r++) {
		for (long off = 0; off < size;) {
			const struct nlmsghdr *nlh = (const struct nlmsghdr *)(data + off);
			if (link_cb(nlh, &st) < 0) die("decode");
			off += MNL_ALIGN(nlh->nlmsg_len);
		}
	}
	double decode_s = now() - t0;

	static char obuf[65536];
	/* Untimed check first: the re-encoded messages must be the kernel's bytes. */
	for (long off = 0; off < size;) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)(data + off);
		const struct nlmsghdr *out = reencode(nlh, obuf);
		if (out->nlmsg_len != nlh->nlmsg_len || memcmp(out, nlh, nlh->nlmsg_len) != 0) {
			fprintf(stderr, "floor: the re-encoded message at offset %ld differs from the recorded one\n", off);
			return 1;
		}
		off += MNL_ALIGN(nlh->nlmsg_len);
	}
	long out_bytes = 0;
	t0 = now();
	for (long r = 0; r < iter; r++) {
		for (long off = 0; off < size;) {
			const struct nlmsghdr *nlh = (const struct nlmsghdr *)(data + off);
			out_bytes += reencode(nlh, obuf)->nlmsg_len;
			off += MNL_ALIGN(nlh->nlmsg_len);
		}
	}
	double encode_s = now() - t0;
	char extra[256];
	snprintf(extra, sizeof extra,
	         "\"messages\":%ld,\"bytes\":%ld,\"iterations\":%ld,\"decodeSeconds\":%.9f,\"encodeSeconds\":%.9f,\"check\":%llu",
	         msgs, size, iter, decode_s, encode_s, (unsigned long long)(st.check + out_bytes));
	emit("codec", msgs * iter, decode_s + encode_s, extra);
	free(data);
	return 0;
}

int main(int argc, char **argv) {
	if (argc < 3) {
		fprintf(stderr, "usage: floor create|delete|groupdel|getlink|getlinkpipe|dump|record|codec ...\n");
		return 2;
	}
	const char *mode = argv[1];
	if (!strcmp(mode, "create") && argc == 6) return cmd_create(argv[2], atol(argv[3]), argv[4], (uint32_t)atol(argv[5]));
	if (!strcmp(mode, "delete") && argc == 5) return cmd_delete(argv[2], atol(argv[3]), argv[4]);
	if (!strcmp(mode, "groupdel") && argc == 4) return cmd_groupdel(argv[2], (uint32_t)atol(argv[3]));
	if (!strcmp(mode, "getlink") && argc == 6) return cmd_getlink(argv[2], atol(argv[3]), argv[4], atol(argv[5]));
	if (!strcmp(mode, "getlinkpipe") && argc == 7) return cmd_getlinkpipe(argv[2], atol(argv[3]), argv[4], atol(argv[5]), atol(argv[6]));
	if (!strcmp(mode, "dump") && argc == 4) return cmd_dump(argv[2], atol(argv[3]));
	if (!strcmp(mode, "record") && argc == 4) return cmd_record(argv[2], argv[3]);
	if (!strcmp(mode, "codec") && argc == 4) return cmd_codec(argv[2], atol(argv[3]));
	fprintf(stderr, "floor: bad arguments for %s\n", mode);
	return 2;
}
