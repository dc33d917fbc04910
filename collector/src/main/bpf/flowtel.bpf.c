// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Flowtel flow capture: TC programs on the host side of pod veths and on the uplink count every
 * IP packet into a per-flow entry (bytes, packets, GSO segments, first/last seen, OR-ed TCP
 * flags) and announce each new entry on a ring buffer. They never change a packet's fate: they
 * return TC_ACT_UNSPEC, so the next program or filter still decides.
 *
 * The flow entries live in one of two identical hash tables; the outer array active_table says
 * which one the programs write. User space flips it and drains the other one once the flip has
 * returned (the kernel waits for running programs when an ARRAY_OF_MAPS slot changes), so no
 * increment is ever lost between a read and a delete.
 *
 * Built by build.sh; the object is committed beside this file.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "flowtel.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#ifndef FLOW_TABLE_ENTRIES
#define FLOW_TABLE_ENTRIES 65536
#endif
#ifndef FLOW_CACHE_SLOTS
#define FLOW_CACHE_SLOTS 512
#endif
#define MAX_VLAN_TAGS 2
#define MAX_IPV6_EXT_HEADERS 8
/* Larger header offsets are read with bpf_skb_load_bytes; the bound lets the verifier check the in-place read. */
#define MAX_HEADER_OFFSET 4096

#define ETH_P_8021Q_ 0x8100
#define ETH_P_8021AD_ 0x88A8
#define IPPROTO_ICMP_ 1
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_ICMPV6_ 58
#define IPPROTO_SCTP_ 132

const volatile struct flowtel_config config = {
	.enable_rtt = 0,
	.enable_drops = 0,
	.announce_new_flows = 1,
	.copy_headers = 0,
	.cache_slots = FLOW_CACHE_SLOTS,
	.enable_dns = 1,
	.dns_port_count = 1,
	.dns_ports = { 53 },
	.dns_timeout_ns = 5000000000ULL,
};

struct flow_table {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, FLOW_TABLE_ENTRIES);
	__type(key, struct flow_key);
	__type(value, struct flow_stats);
};

struct flow_table flows_a SEC(".maps");
struct flow_table flows_b SEC(".maps");

/* Slot 0 holds the table the programs write now. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct flow_table);
} active_table SEC(".maps") = {
	.values = { [0] = &flows_a },
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} new_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, COUNTER_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

/*
 * ifindex -> ROLE_*, written by the attacher: interfaces whose ifindex is below IF_ROLE_SLOTS in
 * if_role_slots (an array lookup, which the verifier inlines: no hashing per packet; a zero slot is
 * ROLE_ANY), the others in if_roles.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, IF_ROLE_SLOTS);
	__type(key, __u32);
	__type(value, __u32);
} if_role_slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u32);
} if_roles SEC(".maps");

struct pod_addr {
	__u8 addr[16];
	__u32 ip_version;
};

/*
 * Addresses seen leaving a pod veth, with that veth's ifindex: packets from them were already
 * counted there. The attacher deletes a veth's addresses when the veth goes away, so a reused IP
 * on another node is not mistaken for a local pod.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct pod_addr);
	__type(value, __u32);
} pod_addrs SEC(".maps");

/*
 * Per-CPU flow cache. A flow's first packet in a table takes the hash-table path (insert, new-flow
 * announcement, the count-once decision); the flow then gets a slot here, picked by a cheap hash of
 * its key, and its next packets on this CPU add to the slot: no jhash over 44 bytes, no bucket
 * walk, no atomics. On the live path the table lookup cost ~75 ns per packet, mostly cache misses
 * (docs/benchmarks.md, issue 8). A slot taken by a flow with counted packets is not given to
 * another flow: that one takes the table path, so nothing ever has to be written back from here.
 *
 * The cache has two halves, and cache_half says which one the programs write. User space points
 * it at the other half before it flips active_table; the flip waits for every program run that
 * started before, so the old half is then written by nobody and user space reads and clears it
 * (CaptureProgram.flipAndDrain), adding its counters to the drained table's. A flow whose packets
 * all hit a slot has no table entry in that period: its counters come from the slots alone.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2 * FLOW_CACHE_SLOTS);
	__type(key, __u32);
	__type(value, struct flow_cache_slot);
} flow_cache SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cache_half SEC(".maps");

static __always_inline void count(__u32 index)
{
	__u64 *value = bpf_map_lookup_elem(&counters, &index);
	if (value)
		*value += 1; /* per-CPU: no atomics needed */
}

struct parsed {
	__u32 l2_len;   /* Ethernet + VLAN tags in the packet data */
	__u32 hdr_len;  /* L3 + L4 headers, replicated in every GSO segment */
	__u32 tcp_flags;
	__u32 l3_len;   /* from the IP header; 0 for BIG TCP super-packets, which carry no length */
};

enum parse_result { PARSE_OK = 0, PARSE_NON_IP = 1, PARSE_MALFORMED = 2 };

/*
 * The len bytes at off, read in place when they lie in the packet's linear part (headers do on
 * veth and on the NICs we know), else copied into buf by bpf_skb_load_bytes, which also reads
 * paged data; NULL when the packet is shorter. With one helper call per header, parsing took about
 * 50 of the program's ~130 ns per packet, now ~10 (docs/benchmarks.md, issue 8). config.copy_headers
 * forces the copy so tests can run the fallback too (BPF_PROG_TEST_RUN packets are always linear).
 */
static __always_inline const __u8 *header(struct __sk_buff *skb, __u32 off, __u8 *buf, const __u32 len)
{
	if (!config.copy_headers && off <= MAX_HEADER_OFFSET) {
		const __u8 *at = (const __u8 *)(long)skb->data + off;
		if (at + len <= (const __u8 *)(long)skb->data_end)
			return at;
	}
	if (bpf_skb_load_bytes(skb, off, buf, len))
		return 0;
	return buf;
}

static __always_inline int parse_l4(struct __sk_buff *skb, __u32 off, struct flow_key *key,
				     struct parsed *p)
{
	switch (key->protocol) {
	case IPPROTO_TCP_: {
		__u8 buf[14];
		const __u8 *tcp = header(skb, off, buf, sizeof(buf));
		if (!tcp)
			return PARSE_MALFORMED;
		__u32 doff = (tcp[12] >> 4) * 4;
		if (doff < 20)
			return PARSE_MALFORMED;
		key->src_port = ((__u16)tcp[0] << 8) | tcp[1];
		key->dst_port = ((__u16)tcp[2] << 8) | tcp[3];
		p->tcp_flags = tcp[13];
		p->hdr_len += doff;
		return PARSE_OK;
	}
	case IPPROTO_UDP_: {
		__u8 buf[8]; /* the whole UDP header must be there */
		const __u8 *udp = header(skb, off, buf, sizeof(buf));
		if (!udp)
			return PARSE_MALFORMED;
		key->src_port = ((__u16)udp[0] << 8) | udp[1];
		key->dst_port = ((__u16)udp[2] << 8) | udp[3];
		p->hdr_len += 8;
		return PARSE_OK;
	}
	case IPPROTO_SCTP_: {
		__u8 buf[12]; /* the common header; chunks are payload */
		const __u8 *sctp = header(skb, off, buf, sizeof(buf));
		if (!sctp)
			return PARSE_MALFORMED;
		key->src_port = ((__u16)sctp[0] << 8) | sctp[1];
		key->dst_port = ((__u16)sctp[2] << 8) | sctp[3];
		p->hdr_len += 12;
		return PARSE_OK;
	}
	case IPPROTO_ICMP_:
	case IPPROTO_ICMPV6_: {
		__u8 buf[4]; /* type, code, checksum */
		const __u8 *icmp = header(skb, off, buf, sizeof(buf));
		if (!icmp)
			return PARSE_MALFORMED;
		key->src_port = icmp[0];
		key->dst_port = icmp[1];
		p->hdr_len += 8;
		return PARSE_OK;
	}
	default:
		return PARSE_OK; /* other protocols: no ports */
	}
}

static __always_inline int parse_ipv4(struct __sk_buff *skb, __u32 off, struct flow_key *key,
				       struct parsed *p)
{
	__u8 buf[20];
	const __u8 *ip = header(skb, off, buf, sizeof(buf));
	if (!ip)
		return PARSE_MALFORMED;
	__u32 ihl = (ip[0] & 0x0F) * 4;
	if ((ip[0] >> 4) != 4 || ihl < 20)
		return PARSE_MALFORMED;
	__u32 total = ((__u32)ip[2] << 8) | ip[3];
	if (total == 0 && skb->gso_segs > 1)
		total = skb->len - off; /* BIG TCP: the length lives in the skb only */
	if (total < ihl || off + total > skb->len)
		return PARSE_MALFORMED;
	p->l3_len = total;
	key->ip_version = 4;
	key->protocol = ip[9];
	__builtin_memcpy(key->src_addr, &ip[12], 4);
	__builtin_memcpy(key->dst_addr, &ip[16], 4);
	p->hdr_len = ihl;
	__u16 frag = (((__u16)ip[6] << 8) | ip[7]) & 0x1FFF;
	if (frag != 0)
		return PARSE_OK; /* later fragments carry no L4 header: counted without ports */
	return parse_l4(skb, off + ihl, key, p);
}

/* The IPv6 extension headers walked to reach the upper layer: hop-by-hop, routing, fragment, destination options, AH. */
static __always_inline int is_ipv6_extension(__u8 next)
{
	return next == 0 || next == 43 || next == 60 || next == 51 || next == 44;
}

/*
 * Steps over one extension header of type next whose first 8 bytes are ext: moves *pos past it and
 * returns the type of the header after it. A fragment with a non-zero offset sets *fragment_tail:
 * what follows it is payload, no L4 header. Shared by the TC parser and the drop program (drops.h),
 * so a drop gets the same key as its flow.
 */
static __always_inline __u8 skip_ipv6_extension(__u8 next, const __u8 *ext, __u32 *pos, int *fragment_tail)
{
	if (next == 44) {
		if (((((__u16)ext[2] << 8) | ext[3]) & 0xFFF8) != 0)
			*fragment_tail = 1;
		*pos += 8;
	} else if (next == 51) {
		*pos += ((__u32)ext[1] + 2) * 4;
	} else {
		*pos += ((__u32)ext[1] + 1) * 8;
	}
	return ext[0];
}

static __always_inline int parse_ipv6(struct __sk_buff *skb, __u32 off, struct flow_key *key,
				       struct parsed *p)
{
	__u8 buf[40];
	const __u8 *ip = header(skb, off, buf, sizeof(buf));
	if (!ip)
		return PARSE_MALFORMED;
	if ((ip[0] >> 4) != 6)
		return PARSE_MALFORMED;
	__u32 payload = ((__u32)ip[4] << 8) | ip[5];
	if (payload == 0 && skb->gso_segs > 1)
		payload = skb->len - off - 40; /* BIG TCP (jumbo payload) */
	if (off + 40 + payload > skb->len)
		return PARSE_MALFORMED;
	p->l3_len = 40 + payload;
	key->ip_version = 6;
	__builtin_memcpy(key->src_addr, &ip[8], 16);
	__builtin_memcpy(key->dst_addr, &ip[24], 16);
	__u8 next = ip[6];
	__u32 pos = off + 40;
	int fragment_tail = 0;
	int i;
	for (i = 0; i < MAX_IPV6_EXT_HEADERS; i++) {
		if (!is_ipv6_extension(next))
			break;
		__u8 ext[8];
		if (bpf_skb_load_bytes(skb, pos, ext, sizeof(ext)))
			return PARSE_MALFORMED;
		next = skip_ipv6_extension(next, ext, &pos, &fragment_tail);
	}
	if (i == MAX_IPV6_EXT_HEADERS)
		return PARSE_MALFORMED; /* more extension headers than we walk */
	key->protocol = next;
	p->hdr_len = pos - off;
	if (fragment_tail)
		return PARSE_OK;
	return parse_l4(skb, pos, key, p);
}

static __always_inline int parse_packet(struct __sk_buff *skb, struct flow_key *key,
					 struct parsed *p)
{
	__u8 buf[ETH_HLEN];
	const __u8 *eth = header(skb, 0, buf, sizeof(buf));
	if (!eth)
		return PARSE_MALFORMED;
	__u16 proto = ((__u16)eth[12] << 8) | eth[13];
	__u32 off = ETH_HLEN;
#pragma unroll
	for (int i = 0; i < MAX_VLAN_TAGS; i++) {
		if (proto != ETH_P_8021Q_ && proto != ETH_P_8021AD_)
			break;
		__u8 tag_buf[4];
		const __u8 *tag = header(skb, off, tag_buf, sizeof(tag_buf));
		if (!tag)
			return PARSE_MALFORMED;
		proto = ((__u16)tag[2] << 8) | tag[3];
		off += 4;
	}
	p->l2_len = off;
	if (proto == ETH_P_IP)
		return parse_ipv4(skb, off, key, p);
	if (proto == ETH_P_IPV6)
		return parse_ipv6(skb, off, key, p);
	return PARSE_NON_IP;
}

static __always_inline int is_pod_addr(const __u8 *addr, __u8 version)
{
	struct pod_addr k = {};
	__builtin_memcpy(k.addr, addr, 16);
	k.ip_version = version;
	return bpf_map_lookup_elem(&pod_addrs, &k) != 0;
}

/*
 * The same packet can pass two hooks of this node (pod A's veth, then pod B's veth or the
 * uplink). It is counted at the first one: every packet leaving a pod at its veth; at a veth's
 * egress and at the uplink only packets that did not come from (uplink ingress: go to) a local pod.
 */
static __always_inline __u32 role_of(__u32 ifindex)
{
	__u32 *role;
	if (ifindex < IF_ROLE_SLOTS) {
		role = bpf_map_lookup_elem(&if_role_slots, &ifindex);
		return role ? *role : ROLE_ANY;
	}
	/* Keeps clang from merging the two lookups into one call on either map: the verifier inlines
	 * the array lookup only where the call site always sees that one map. */
	asm volatile("" : "+r"(ifindex));
	role = bpf_map_lookup_elem(&if_roles, &ifindex);
	return role ? *role : ROLE_ANY;
}

static __always_inline int counted_elsewhere(const struct flow_key *key)
{
	__u32 ifindex = key->ifindex;
	__u32 role = role_of(ifindex);
	if (role == ROLE_POD_VETH) {
		if (key->direction == DIRECTION_INGRESS) {
			struct pod_addr k = {};
			__builtin_memcpy(k.addr, key->src_addr, 16);
			k.ip_version = key->ip_version;
			__u32 *known = bpf_map_lookup_elem(&pod_addrs, &k);
			if (!known || *known != ifindex)
				bpf_map_update_elem(&pod_addrs, &k, &ifindex, BPF_ANY);
			return 0;
		}
		return is_pod_addr(key->src_addr, key->ip_version);
	}
	if (role == ROLE_UPLINK) {
		if (key->direction == DIRECTION_INGRESS)
			return is_pod_addr(key->dst_addr, key->ip_version);
		return is_pod_addr(key->src_addr, key->ip_version);
	}
	return 0;
}

static __always_inline void *active_flows(void)
{
	__u32 slot = 0;
	return bpf_map_lookup_elem(&active_table, &slot);
}

static __always_inline void announce(const struct flow_key *key, __u64 now)
{
	if (!config.announce_new_flows)
		return;
	struct new_flow_event *event = bpf_ringbuf_reserve(&new_flows, sizeof(*event), 0);
	if (!event) {
		count(COUNTER_RINGBUF_FULL);
		return;
	}
	__builtin_memcpy(&event->key, key, sizeof(*key));
	event->pad = 0;
	event->first_seen_ns = now;
	bpf_ringbuf_submit(event, 0);
}

/* The kernel's tick rate, filled by libbpf from the kernel's config (/proc/config.gz or
 * /boot/config-<release>); 0 when neither is readable, e.g. in a container without /boot. */
extern unsigned int CONFIG_HZ __kconfig __weak;

/*
 * When an established flow's packet was seen, within one kernel tick: its first packet's precise
 * time plus the ticks counted since. Reading jiffies is one load (the verifier inlines
 * bpf_jiffies64); the clock helpers, even the coarse one, cost 40-50 ns per packet on the live
 * path (docs/benchmarks.md, issue 8). The multiplications by a literal are there because
 * CONFIG_HZ is a constant to the verifier, which drops the other branches; the coarse clock
 * stays for kernels whose config cannot be read.
 */
static __always_inline __u64 seen_since_first(__u64 first_seen_ns, __u64 first_seen_jiffies)
{
	__u64 ticks = bpf_jiffies64() - first_seen_jiffies;
	switch (CONFIG_HZ) {
	case 100:
		return first_seen_ns + ticks * 10000000ULL;
	case 250:
		return first_seen_ns + ticks * 4000000ULL;
	case 300:
		return first_seen_ns + ticks * 3333333ULL;
	case 1000:
		return first_seen_ns + ticks * 1000000ULL;
	case 0:
		return bpf_ktime_get_coarse_ns();
	default:
		return first_seen_ns + ticks * (1000000000ULL / CONFIG_HZ);
	}
}

static __always_inline void account(struct flow_stats *stats, __u64 now, __u64 bytes, __u64 packets,
				    __u64 gso, __u32 flags)
{
	__sync_fetch_and_add(&stats->bytes, bytes);
	__sync_fetch_and_add(&stats->packets, packets);
	if (gso)
		__sync_fetch_and_add(&stats->gso_segments, gso);
	if (flags && (stats->tcp_flags & flags) != flags)
		__sync_fetch_and_or(&stats->tcp_flags, flags);
	if (stats->last_seen_ns < now)
		stats->last_seen_ns = now; /* a racing CPU may store a slightly older time: harmless */
}

/* A packet's accounting, worked out once by handle() for either path. */
struct packet_counts {
	__u64 bytes;
	__u64 packets;
	__u64 gso;
	__u32 tcp_flags;
};

/* Where the table path left a flow; also the state its cache slot gets. */
enum table_outcome { NOT_COUNTED = CACHE_EMPTY, COUNTED = CACHE_COUNTING, ELSEWHERE = CACHE_ELSEWHERE };

/* The flow-table path: every flow's first packet in a table, and packets whose cache slot is taken. */
static __always_inline enum table_outcome count_in_table(const struct flow_key *key, const struct packet_counts *c)
{
	void *table = active_flows();
	if (!table)
		return NOT_COUNTED;
	struct flow_stats *stats = bpf_map_lookup_elem(table, key);
	if (stats) {
		/* An entry without packets marks a flow another hook counts (below); no drop shares a
		 * hook's key, since drops carry DIRECTION_UNKNOWN. */
		if (!stats->packets) {
			count(COUNTER_SEEN_ELSEWHERE);
			return ELSEWHERE;
		}
		/*
		 * An established flow's last seen is counted in kernel ticks from its first packet (1-10
		 * ms resolution), where the precise clock cost 30-50 ns per packet in this hook. Flow
		 * starts keep the precise clock; last seen never moves below first seen (account() only
		 * raises it).
		 */
		account(stats, seen_since_first(stats->first_seen_ns, stats->first_seen_jiffies), c->bytes, c->packets, c->gso,
			c->tcp_flags);
		return COUNTED;
	}
	/*
	 * Where a packet is counted is decided once per flow and table: the decision (and the pod
	 * addresses it learns or consults) costs up to two more hash lookups, which every packet paid
	 * before. A flow counted elsewhere gets an entry without packets, so its next packets stop
	 * at the lookup above; the drain skips such entries, and the next table decides afresh, as
	 * it does when the attacher asks for a flip because an interface came or went.
	 */
	struct flow_stats fresh = {};
	if (counted_elsewhere(key)) {
		count(COUNTER_SEEN_ELSEWHERE);
		if (bpf_map_update_elem(table, key, &fresh, BPF_NOEXIST) == 0)
			count(COUNTER_SKIPPED_FLOWS);
		return ELSEWHERE;
	}
	__u64 now = bpf_ktime_get_ns();
	fresh.first_seen_jiffies = bpf_jiffies64();
	fresh.first_seen_ns = now;
	fresh.last_seen_ns = now;
	fresh.bytes = c->bytes;
	fresh.packets = c->packets;
	fresh.gso_segments = c->gso;
	fresh.tcp_flags = c->tcp_flags;
	long err = bpf_map_update_elem(table, key, &fresh, BPF_NOEXIST);
	if (err == 0) {
		count(COUNTER_NEW_FLOWS);
		announce(key, now);
		return COUNTED;
	}
	/* Another CPU inserted it first (EEXIST), or the table is full (E2BIG). */
	stats = bpf_map_lookup_elem(table, key);
	if (!stats) {
		count(COUNTER_TABLE_FULL);
		return NOT_COUNTED;
	}
	if (stats->packets) {
		account(stats, now, c->bytes, c->packets, c->gso, c->tcp_flags);
		return COUNTED;
	}
	count(COUNTER_SEEN_ELSEWHERE); /* decided otherwise a moment ago, as pod_addrs changed */
	return ELSEWHERE;
}

/* Spreads the key's 11 words over the slots: a few instructions, where the table's jhash takes ~20 ns. */
static __always_inline __u32 cache_hash(const struct flow_key *key)
{
	const __u32 *w = (const __u32 *)key;
	__u32 src = w[0] ^ w[1] ^ w[2] ^ w[3];
	__u32 dst = w[4] ^ w[5] ^ w[6] ^ w[7];
	__u32 h = src ^ ((dst << 13) | (dst >> 19)) ^ (w[8] * 0x85EBCA6BU) ^ w[9] ^ (w[10] << 7);
	h *= 0x9E3779B1U;
	return h ^ (h >> 16);
}

/* The slot of this CPU's cache for a key of this hash, in the half the programs write now; NULL without a cache. */
static __always_inline struct flow_cache_slot *cache_slot(__u32 hash)
{
	if (!config.cache_slots)
		return 0;
	__u32 zero = 0;
	__u32 *half = bpf_map_lookup_elem(&cache_half, &zero);
	if (!half)
		return 0;
	__u32 index = (*half & 1) * config.cache_slots + (hash & (config.cache_slots - 1));
	return bpf_map_lookup_elem(&flow_cache, &index);
}

/* Both keys 8-byte aligned: five 64-bit words and the last 32-bit one, compared without branches. */
static __always_inline int same_flow(const struct flow_key *a, const struct flow_key *b)
{
	const __u64 *x = (const __u64 *)a;
	const __u64 *y = (const __u64 *)b;
	__u64 diff = (x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3]) | (x[4] ^ y[4]);
	diff |= ((const __u32 *)a)[10] ^ ((const __u32 *)b)[10];
	return diff == 0;
}

/* A packet of the slot's flow: per-CPU, so plain adds; the first one of the period reads the precise clock. */
static __always_inline void count_in_slot(struct flow_cache_slot *slot, const struct packet_counts *c)
{
	if (!slot->packets) {
		__u64 now = bpf_ktime_get_ns();
		slot->first_seen_ns = now;
		slot->first_seen_jiffies = bpf_jiffies64();
		slot->last_seen_ns = now;
	} else {
		__u64 seen = seen_since_first(slot->first_seen_ns, slot->first_seen_jiffies);
		if (seen > slot->last_seen_ns)
			slot->last_seen_ns = seen;
	}
	slot->bytes += c->bytes;
	slot->packets += c->packets;
	slot->gso_segments += c->gso;
	slot->tcp_flags |= c->tcp_flags;
}

#include "dns.h"

static __always_inline int handle(struct __sk_buff *skb, __u8 direction)
{
	struct flow_key key __attribute__((aligned(8))) = {};
	struct parsed p = {};
	int result = parse_packet(skb, &key, &p);
	if (result != PARSE_OK) {
		count(result == PARSE_NON_IP ? COUNTER_NON_IP : COUNTER_MALFORMED);
		return TC_ACT_UNSPEC;
	}
	key.ifindex = skb->ifindex;
	key.direction = direction;
	if (config.enable_dns && is_dns_port(&key))
		dns_inspect(skb, &key, p.l2_len + p.hdr_len, p.l3_len - (p.hdr_len < p.l3_len ? p.hdr_len : p.l3_len));

	/* The IP length, not skb->len: skb->len also holds the Ethernet header and any padding. */
	struct packet_counts c = { .bytes = p.l3_len, .packets = 1, .gso = 0, .tcp_flags = p.tcp_flags };
	__u32 segs = skb->gso_segs;
	if (segs > 1) {
		/* One super-packet stands for segs packets on the wire, each with its own headers. */
		c.bytes += (__u64)(segs - 1) * p.hdr_len;
		c.packets = segs;
		c.gso = segs;
	}

	__u32 hash = config.cache_slots ? cache_hash(&key) : 0; /* with the cache off, the verifier drops all of it */
	struct flow_cache_slot *slot = cache_slot(hash);
	if (slot && slot->state != CACHE_EMPTY && slot->hash == hash && same_flow(&slot->key, &key)) {
		if (slot->state == CACHE_ELSEWHERE)
			count(COUNTER_SEEN_ELSEWHERE);
		else
			count_in_slot(slot, &c);
		return TC_ACT_UNSPEC;
	}
	enum table_outcome outcome = count_in_table(&key, &c);
	/*
	 * The slot goes to this flow unless another flow's packets are counted in it, or another flow
	 * took it in this same kernel tick: without that hold, flows sharing a slot that take turns
	 * would each evict the other before its second packet, and none would ever hit (with many
	 * flows per CPU, every packet then paid for the install too). A flow that sent one packet and
	 * no more gives the slot up after its tick.
	 */
	if (slot && outcome != NOT_COUNTED
	    && (slot->state == CACHE_EMPTY || (!slot->packets && slot->first_seen_jiffies != bpf_jiffies64()))) {
		__builtin_memcpy(&slot->key, &key, sizeof(key));
		slot->state = outcome;
		slot->hash = hash;
		slot->first_seen_ns = 0;
		slot->first_seen_jiffies = bpf_jiffies64(); /* until its first counted packet: when it was taken */
		slot->last_seen_ns = 0;
		slot->bytes = 0;
		slot->packets = 0;
		slot->gso_segments = 0;
		slot->tcp_flags = 0;
	}
	return TC_ACT_UNSPEC;
}

SEC("tc")
int flowtel_ingress(struct __sk_buff *skb)
{
	return handle(skb, DIRECTION_INGRESS);
}

SEC("tc")
int flowtel_egress(struct __sk_buff *skb)
{
	return handle(skb, DIRECTION_EGRESS);
}

#include "drops.h"
#include "rtt.h"
