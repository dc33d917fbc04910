/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Packet drops with the kernel's reason (switch: enable_drops, default off).
 *
 * skb:kfree_skb through tp_btf, so it needs BTF but neither tracefs nor kprobes. A drop is
 * recorded in the active flow table under its 5-tuple with direction UNKNOWN and the input
 * interface (0 for locally generated packets, and for drops in another network namespace than the
 * one the collector captures in, e.g. inside a pod, whose ifindexes it cannot name): drops, the L3 bytes dropped and the latest
 * reason (enum skb_drop_reason; user space turns it into its name from the kernel's BTF).
 * Included at the end of flowtel.bpf.c.
 */
#ifndef FLOWTEL_DROPS_H
#define FLOWTEL_DROPS_H

#include <bpf/bpf_core_read.h>

/* The fields read here, relocated by libbpf against the running kernel's BTF (CO-RE). */
struct ns_common {
	unsigned int inum;
} __attribute__((preserve_access_index));

struct net {
	struct ns_common ns;
} __attribute__((preserve_access_index));

typedef struct {
	struct net *net;
} possible_net_t;

struct net_device {
	possible_net_t nd_net;
} __attribute__((preserve_access_index));

struct sk_buff {
	unsigned char *head;
	__u16 network_header;
	__be16 protocol;
	int skb_iif;
	struct net_device *dev;
} __attribute__((preserve_access_index));

/*
 * The inode of the network namespace the packet was dropped in, 0 when unknown. An ifindex only
 * names an interface within its namespace: a drop inside a pod carries the pod's own ifindex.
 */
static __always_inline __u32 drop_netns(struct sk_buff *skb)
{
	struct net_device *dev = BPF_CORE_READ(skb, dev);
	if (!dev)
		return 0;
	struct net *net = BPF_CORE_READ(dev, nd_net.net);
	if (!net)
		return 0;
	return BPF_CORE_READ(net, ns.inum);
}

static __always_inline int parse_dropped(const unsigned char *l3, __u16 protocol,
					 struct flow_key *key, __u64 *l3_bytes)
{
	__u8 ip[40];
	__u32 l4_off;
	if (protocol == bpf_htons(ETH_P_IP)) {
		if (bpf_probe_read_kernel(ip, 20, l3) || (ip[0] >> 4) != 4 || (ip[0] & 0x0F) < 5)
			return -1;
		key->ip_version = 4;
		key->protocol = ip[9];
		__builtin_memcpy(key->src_addr, &ip[12], 4);
		__builtin_memcpy(key->dst_addr, &ip[16], 4);
		*l3_bytes = ((__u32)ip[2] << 8) | ip[3];
		l4_off = (ip[0] & 0x0F) * 4;
		if (((((__u16)ip[6] << 8) | ip[7]) & 0x1FFF) != 0)
			return 0;
	} else if (protocol == bpf_htons(ETH_P_IPV6)) {
		if (bpf_probe_read_kernel(ip, 40, l3) || (ip[0] >> 4) != 6)
			return -1;
		key->ip_version = 6;
		__builtin_memcpy(key->src_addr, &ip[8], 16);
		__builtin_memcpy(key->dst_addr, &ip[24], 16);
		*l3_bytes = 40 + (((__u32)ip[4] << 8) | ip[5]);
		/* The extension headers the TC parser walks (flowtel.bpf.c), so a drop gets the same key as its flow. */
		__u8 next = ip[6];
		__u32 pos = 40;
		int fragment_tail = 0;
		for (int i = 0; i < MAX_IPV6_EXT_HEADERS && is_ipv6_extension(next); i++) {
			__u8 ext[8];
			if (bpf_probe_read_kernel(ext, sizeof(ext), l3 + pos))
				return -1;
			next = skip_ipv6_extension(next, ext, &pos, &fragment_tail);
			if (fragment_tail) {
				key->protocol = next;
				return 0; /* a later fragment: no L4 header */
			}
		}
		key->protocol = next;
		l4_off = pos;
	} else {
		return -1;
	}
	__u8 l4[4];
	switch (key->protocol) {
	case IPPROTO_TCP_:
	case IPPROTO_UDP_:
	case IPPROTO_SCTP_:
		if (bpf_probe_read_kernel(l4, sizeof(l4), l3 + l4_off) == 0) {
			key->src_port = ((__u16)l4[0] << 8) | l4[1];
			key->dst_port = ((__u16)l4[2] << 8) | l4[3];
		}
		break;
	case IPPROTO_ICMP_:
	case IPPROTO_ICMPV6_:
		if (bpf_probe_read_kernel(l4, 2, l3 + l4_off) == 0) {
			key->src_port = l4[0];
			key->dst_port = l4[1];
		}
		break;
	}
	return 0;
}

SEC("tp_btf/kfree_skb")
int flowtel_drop(__u64 *ctx)
{
	if (!config.enable_drops)
		return 0;
	struct sk_buff *skb = (struct sk_buff *)ctx[0];
	__u32 reason = (__u32)ctx[2];
	struct flow_key key = {};
	__u64 l3_bytes = 0;
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u16 network = BPF_CORE_READ(skb, network_header);
	__be16 protocol = BPF_CORE_READ(skb, protocol);
	if (!head || network == (__u16)~0U)
		return 0;
	if (parse_dropped(head + network, protocol, &key, &l3_bytes))
		return 0;
	/* Interfaces of other namespaces (a pod's eth0) cannot be named from here: recorded as 0, unknown. */
	__u32 netns = drop_netns(skb);
	key.ifindex = netns == config.capture_netns ? BPF_CORE_READ(skb, skb_iif) : 0;
	key.direction = DIRECTION_UNKNOWN;

	void *table = active_flows();
	if (!table)
		return 0;
	__u64 now = bpf_ktime_get_ns();
	count(COUNTER_DROPS);
	struct flow_stats *stats = bpf_map_lookup_elem(table, &key);
	if (!stats) {
		struct flow_stats fresh = { .first_seen_ns = now, .last_seen_ns = now };
		bpf_map_update_elem(table, &key, &fresh, BPF_NOEXIST);
		stats = bpf_map_lookup_elem(table, &key);
		if (!stats) {
			count(COUNTER_TABLE_FULL);
			return 0;
		}
	}
	__sync_fetch_and_add(&stats->drops, 1);
	__sync_fetch_and_add(&stats->drop_bytes, l3_bytes);
	stats->drop_reason = reason;
	if (stats->last_seen_ns < now)
		stats->last_seen_ns = now;
	return 0;
}

#endif
