/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Layouts shared by the kernel programs and the Java loader
 * (dev.flowtel.collector.bpf.KernelLayout mirrors every offset below; change both together).
 */
#ifndef FLOWTEL_H
#define FLOWTEL_H

#include <linux/types.h>

#define DIRECTION_INGRESS 0
#define DIRECTION_EGRESS 1
#define DIRECTION_UNKNOWN 2

/* Role of an interface, set by the attacher in if_roles; decides which hook counts a packet. */
#define ROLE_ANY 0      /* not in the map: count every packet (tests, single hooks) */
#define ROLE_POD_VETH 1 /* host side of a pod's veth */
#define ROLE_UPLINK 2   /* the node's uplink */
/* Interfaces with a lower ifindex keep their role in the array if_role_slots, the others in if_roles. */
#define IF_ROLE_SLOTS 16384

/* Indexes of the per-CPU counters array. */
#define COUNTER_NEW_FLOWS 0      /* entries inserted into the active flow table */
#define COUNTER_TABLE_FULL 1     /* packets not counted because the active table was full */
#define COUNTER_RINGBUF_FULL 2   /* new-flow announcements lost because the ring buffer was full */
#define COUNTER_MALFORMED 3      /* IP packets whose headers were truncated or invalid: not counted */
#define COUNTER_NON_IP 4         /* not IPv4/IPv6 (ARP, LLDP...): not counted */
#define COUNTER_SEEN_ELSEWHERE 5 /* skipped because another hook on this node counts the packet */
#define COUNTER_DROPS 6          /* kfree_skb drops recorded */
#define COUNTER_SKIPPED_FLOWS 7  /* entries inserted only to mark a flow another hook counts */
#define COUNTER_DNS_MALFORMED 8  /* packets on a DNS port that are no DNS message we read (dns.h): skipped */
#define COUNTER_DNS_RINGBUF_FULL 9 /* DNS events lost because dns_events was full */
#define COUNTER_DNS_UNMATCHED 10 /* responses without a pending query: a second hook's sighting, or a late or unseen query */
#define COUNTER_MAX 11

/* 44 bytes, no implicit padding (the whole key is hashed). */
struct flow_key {
	__u8 src_addr[16]; /* IPv4: first 4 bytes, rest zero */
	__u8 dst_addr[16];
	__u16 src_port;    /* host byte order; ICMP/ICMPv6: the type */
	__u16 dst_port;    /* host byte order; ICMP/ICMPv6: the code */
	__u32 ifindex;
	__u8 protocol;
	__u8 ip_version;   /* 4 or 6 */
	__u8 direction;    /* DIRECTION_* */
	__u8 pad;
};

/* 72 bytes; user space reads the first 64 (KernelFlow), the last field is the program's own. */
struct flow_stats {
	__u64 first_seen_ns; /* CLOCK_MONOTONIC (bpf_ktime_get_ns) */
	__u64 last_seen_ns;  /* same clock, within one kernel tick of the flow's last packet (flowtel.bpf.c) */
	__u64 bytes;         /* L3: IP header included, Ethernet/VLAN excluded; GSO counted as its segments */
	__u64 packets;       /* a GSO super-packet counts as its gso_segs */
	__u64 gso_segments;  /* of packets, those that were segments of GSO/GRO super-packets */
	__u32 tcp_flags;     /* OR of the TCP flag byte */
	__u32 drop_reason;   /* enum skb_drop_reason of the latest drop */
	__u64 drops;
	__u64 drop_bytes;    /* L3 length of the dropped packets */
	__u64 first_seen_jiffies; /* jiffies at first_seen_ns: later packets' times count ticks from here */
};

/*
 * A slot of the per-CPU flow cache (flowtel.bpf.c, "Per-CPU flow cache"): a recent flow of this CPU
 * and what its packets added since the slot was filled, counted without hashing and without
 * atomics. 104 bytes; what a packet of another flow reads (state, hash, packets) comes first.
 */
#define CACHE_EMPTY 0
#define CACHE_COUNTING 1  /* packets add to the slot's counters */
#define CACHE_ELSEWHERE 2 /* another hook counts this flow: packets are skipped */
struct flow_cache_slot {
	__u32 state;               /* CACHE_* */
	__u32 hash;                /* of the key (flowtel.bpf.c cache_hash): most other flows are told apart by this word */
	__u64 packets;
	struct flow_key key;       /* 8-byte aligned: compared as words */
	__u32 tcp_flags;
	__u64 first_seen_ns;       /* of the first packet counted in the slot; 0 until then */
	__u64 first_seen_jiffies;  /* jiffies at first_seen_ns; before the first packet, when the slot was taken */
	__u64 last_seen_ns;        /* within one kernel tick, as in flow_stats */
	__u64 bytes;
	__u64 gso_segments;
};

/* Ring-buffer record announcing a flow inserted into the active table (56 bytes). */
struct new_flow_event {
	struct flow_key key;
	__u32 pad;
	__u64 first_seen_ns;
};

/* Key of the RTT table: the connection as the local socket sees it (local = src). 40 bytes. */
struct rtt_key {
	__u8 src_addr[16];
	__u8 dst_addr[16];
	__u16 src_port;
	__u16 dst_port;
	__u8 ip_version;
	__u8 pad[3];
};

#define DNS_MAX_PORTS 4
#define DNS_MAX_MESSAGE 512 /* bytes of a DNS message copied into its event: a power of two */
#define DNS_KIND_QUERY 1
#define DNS_KIND_RESPONSE 2

/* Key of dns_pending: a query's transport and ID, the client (querier) first. 40 bytes. */
struct dns_key {
	__u8 client_addr[16]; /* IPv4: first 4 bytes, rest zero */
	__u8 server_addr[16];
	__u16 client_port;    /* host byte order */
	__u16 server_port;
	__u16 id;             /* the DNS header's ID */
	__u8 protocol;        /* 17 UDP, 6 TCP */
	__u8 ip_version;
};

struct dns_pending {
	__u64 query_ns;
	__u32 ifindex;        /* where the query was first seen */
	__u32 pad;
};

/*
 * Ring-buffer record of dns_events (dns.h): DNS_EVENT_HEADER_LEN bytes, then `copied` bytes of the
 * message (KernelDnsEvent mirrors it).
 */
#define DNS_EVENT_HEADER_LEN 72
struct dns_event {
	struct dns_key key;
	__u64 query_ns;       /* bpf_ktime_get_ns when the query was first seen */
	__u64 response_ns;    /* when the response was; 0 in a query event */
	__u32 ifindex;        /* the query's interface */
	__u16 message_len;    /* the message's length (UDP payload; TCP: its length prefix) */
	__u16 copied;         /* bytes of it in message, at most DNS_MAX_MESSAGE */
	__u8 kind;            /* DNS_KIND_* */
	__u8 rcode;           /* response: RCODE */
	__u16 qtype;
	__u16 ancount;        /* response: ANCOUNT */
	__u16 question_end;   /* offset in message just past the question */
	__u8 message[DNS_MAX_MESSAGE];
};

/* Feature switches, the only global in .rodata: the loader writes all 32 bytes before load. */
struct flowtel_config {
	__u8 enable_rtt;
	__u8 enable_drops;
	__u8 announce_new_flows;
	__u8 copy_headers; /* tests only: read every header with bpf_skb_load_bytes, never in place */
	__u32 cache_slots; /* slots per half of flow_cache, a power of two; 0: no cache */
	__u32 capture_netns; /* inode of the network namespace the hooks are in (drops elsewhere get ifindex 0) */
	__u8 enable_dns;
	__u8 dns_port_count; /* used entries of dns_ports, 1 to DNS_MAX_PORTS */
	__u16 pad;
	__u16 dns_ports[DNS_MAX_PORTS];
	__u64 dns_timeout_ns; /* a query older than this is not matched any more (user space reported it unanswered) */
};

#endif
