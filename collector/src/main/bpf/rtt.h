/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * TCP round-trip time (switch: enable_rtt, default off).
 *
 * tcp:tcp_probe through tp_btf fires for every segment a TCP socket of this node receives in
 * the established state; it stores the socket's smoothed RTT (srtt_us / 8, in microseconds)
 * under the connection as the local socket sees it (local address = src). User space looks a
 * flow up in both orientations. An LRU table: connections that end simply age out.
 * Included at the end of flowtel.bpf.c.
 */
#ifndef FLOWTEL_RTT_H
#define FLOWTEL_RTT_H

#include <bpf/bpf_core_read.h>

#define AF_INET_ 2
#define AF_INET6_ 10

struct in6_addr___flowtel {
	__u8 bytes[16];
};

struct sock_common {
	__be32 skc_daddr;
	__be32 skc_rcv_saddr;
	__be16 skc_dport;
	__u16 skc_num;
	unsigned short skc_family;
	struct in6_addr___flowtel skc_v6_daddr;
	struct in6_addr___flowtel skc_v6_rcv_saddr;
} __attribute__((preserve_access_index));

struct sock {
	struct sock_common __sk_common;
} __attribute__((preserve_access_index));

struct tcp_sock {
	__u32 srtt_us;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct rtt_key);
	__type(value, __u32);
} tcp_rtt SEC(".maps");

SEC("tp_btf/tcp_probe")
int flowtel_tcp_rtt(__u64 *ctx)
{
	if (!config.enable_rtt)
		return 0;
	struct sock *sk = (struct sock *)ctx[0];
	struct rtt_key key = {};
	unsigned short family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family == AF_INET_) {
		__be32 src = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		__be32 dst = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		__builtin_memcpy(key.src_addr, &src, 4);
		__builtin_memcpy(key.dst_addr, &dst, 4);
		key.ip_version = 4;
	} else if (family == AF_INET6_) {
		BPF_CORE_READ_INTO(&key.src_addr, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO(&key.dst_addr, sk, __sk_common.skc_v6_daddr);
		key.ip_version = 6;
		/* ::ffff:a.b.c.d on a dual-stack socket is IPv4 on the wire */
		if (*(__u64 *)&key.dst_addr[0] == 0 && *(__u32 *)&key.dst_addr[8] == bpf_htonl(0xFFFF)) {
			__builtin_memcpy(key.src_addr, &key.src_addr[12], 4);
			__builtin_memcpy(key.dst_addr, &key.dst_addr[12], 4);
			__builtin_memset(&key.src_addr[4], 0, 12);
			__builtin_memset(&key.dst_addr[4], 0, 12);
			key.ip_version = 4;
		}
	} else {
		return 0;
	}
	key.src_port = BPF_CORE_READ(sk, __sk_common.skc_num);
	key.dst_port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	__u32 srtt = BPF_CORE_READ((struct tcp_sock *)sk, srtt_us) >> 3;
	if (srtt)
		bpf_map_update_elem(&tcp_rtt, &key, &srtt, BPF_ANY);
	return 0;
}

#endif
