/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * DNS transactions (switch: enable_dns, default on; ports: dns_ports, default 53).
 *
 * The TC programs read every UDP or TCP packet to or from a DNS port as a DNS message: the header
 * (ID, QR, opcode, TC, RCODE, QDCOUNT, ANCOUNT) and the question (name, QTYPE). A query is
 * remembered in dns_pending, a bounded LRU hash keyed by the 5-tuple and the ID; its response
 * takes the entry out, and the pair's two kernel timestamps give the latency. Both go to user
 * space on a ring buffer of their own (dns_events), so DNS never competes with new-flow
 * announcements: a query when it is first seen (so user space can report it unanswered after the
 * timeout) and a response with its query's time.
 *
 * Why the answer section is parsed in user space: answers are a variable number of records, each
 * behind a name that may be compressed, and following pointers from record to record in a loop
 * the verifier must prove bounded costs far more instructions (and verification time) than it is
 * worth here. The kernel instead copies a bounded prefix of the message (DNS_MAX_MESSAGE bytes,
 * what a classic UDP response holds) into the event with one bpf_skb_load_bytes, and user space
 * (dev.flowtel.collector.dns.DnsMessageReader) reads the A/AAAA answers from it, bounded and safe.
 *
 * The question's name is walked inside that copy with a bounded loop (at most DNS_MAX_LABELS
 * labels, 255 bytes as RFC 1035 allows). The question's name is a message's first name, so a
 * compression pointer there can only point into the header or at itself: such packets, and any
 * other that is not a well-formed message (truncated, QDCOUNT not 1, a label type other than a
 * plain label, a name past 255 bytes), are counted in COUNTER_DNS_MALFORMED and skipped.
 *
 * Seen twice: on a node a packet may pass two hooks (a pod's veth, then another pod's veth or the
 * uplink). A query's second sighting finds its pending entry and is skipped, a response's second
 * sighting finds none (COUNTER_DNS_UNMATCHED), so each transaction is reported once, timed at the
 * hooks that saw the query and the response first. A query resent with the same ID and ports
 * within the timeout keeps its first time. A response after the timeout is unmatched too: user
 * space has reported its query unanswered by then.
 *
 * TCP: a segment whose payload starts a message (the 2-byte length prefix, then the message) is
 * read; segments without payload are skipped uncounted. A message split over segments is read from
 * its first one; later segments of it are counted malformed.
 *
 * Non-DNS packets pay the port compares in is_dns_port (the verifier drops all of it when the
 * switch is off, and the compares of unused port slots, as config is read-only).
 * Included by flowtel.bpf.c before handle().
 */
#ifndef FLOWTEL_DNS_H
#define FLOWTEL_DNS_H

#ifndef DNS_PENDING_ENTRIES
#define DNS_PENDING_ENTRIES 16384
#endif
#define DNS_HEADER_LEN 12
#define DNS_MAX_NAME 255
#define DNS_MAX_LABELS 128 /* a 255-byte name holds at most 127 labels */

_Static_assert(__builtin_offsetof(struct dns_event, message) == DNS_EVENT_HEADER_LEN, "KernelDnsEvent reads the message here");
_Static_assert(sizeof(struct flowtel_config) == 32, "CaptureProgram.load writes 32 bytes of config");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} dns_events SEC(".maps");

/* Queries waiting for their response; LRU, so unanswered ones make room by themselves. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, DNS_PENDING_ENTRIES);
	__type(key, struct dns_key);
	__type(value, struct dns_pending);
} dns_pending SEC(".maps");

/* One event being built per CPU: too large for the 512-byte stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dns_event);
} dns_scratch SEC(".maps");

/* Whether a parsed packet is UDP or TCP to or from one of the configured DNS ports. */
static __always_inline int is_dns_port(const struct flow_key *key)
{
	int match = 0;
#pragma unroll
	for (int i = 0; i < DNS_MAX_PORTS; i++) {
		if (i >= config.dns_port_count)
			break;
		if (key->src_port == config.dns_ports[i] || key->dst_port == config.dns_ports[i])
			match = 1;
	}
	return match && (key->protocol == IPPROTO_UDP_ || key->protocol == IPPROTO_TCP_);
}

/*
 * Reads the DNS message in the packet's L4 payload (payload bytes at off) and reports a first-seen
 * query or a matched response on dns_events. Never changes the packet's fate.
 */
static __always_inline void dns_inspect(struct __sk_buff *skb, const struct flow_key *key, __u32 off, __u32 len)
{
	__u32 message_len = len;
	if (key->protocol == IPPROTO_TCP_) {
		if (len == 0)
			return; /* ACKs, FINs */
		__u8 prefix[2];
		if (len < 2 || bpf_skb_load_bytes(skb, off, prefix, sizeof(prefix))) {
			count(COUNTER_DNS_MALFORMED);
			return;
		}
		message_len = ((__u32)prefix[0] << 8) | prefix[1];
		off += 2;
		len -= 2;
		if (len > message_len)
			len = message_len; /* a second message behind it is not read */
	}
	/* The header and the shortest question: the root name, QTYPE and QCLASS. */
	if (len < DNS_HEADER_LEN + 5) {
		count(COUNTER_DNS_MALFORMED);
		return;
	}
	__u32 zero = 0;
	struct dns_event *event = bpf_map_lookup_elem(&dns_scratch, &zero);
	if (!event)
		return;
	__u32 copied = len < DNS_MAX_MESSAGE ? len : DNS_MAX_MESSAGE;
	copied &= 2 * DNS_MAX_MESSAGE - 1; /* for the verifier: copied is already at most DNS_MAX_MESSAGE */
	if (copied < DNS_HEADER_LEN + 5 || copied > DNS_MAX_MESSAGE || bpf_skb_load_bytes(skb, off, event->message, copied)) {
		count(COUNTER_DNS_MALFORMED);
		return;
	}
	const __u8 *m = event->message;
	__u8 flags = m[2];
	__u16 qdcount = ((__u16)m[4] << 8) | m[5];
	if ((flags & 0x78) != 0 || qdcount != 1) { /* opcode QUERY, one question */
		count(COUNTER_DNS_MALFORMED);
		return;
	}
	__u32 pos = DNS_HEADER_LEN;
	int i;
	for (i = 0; i < DNS_MAX_LABELS; i++) {
		if (pos >= copied) {
			count(COUNTER_DNS_MALFORMED);
			return;
		}
		__u8 label = m[pos & (DNS_MAX_MESSAGE - 1)];
		if (label == 0)
			break;
		if (label & 0xC0) { /* a compression pointer, or a label type RFC 6891 retired */
			count(COUNTER_DNS_MALFORMED);
			return;
		}
		pos += label + 1;
		if (pos - DNS_HEADER_LEN >= DNS_MAX_NAME) { /* the root label must still fit */
			count(COUNTER_DNS_MALFORMED);
			return;
		}
	}
	if (i == DNS_MAX_LABELS || pos + 5 > copied) {
		count(COUNTER_DNS_MALFORMED);
		return;
	}
	pos++;
	event->qtype = ((__u16)m[pos & (DNS_MAX_MESSAGE - 1)] << 8) | m[(pos + 1) & (DNS_MAX_MESSAGE - 1)];
	event->question_end = pos + 4;

	int response = flags & 0x80;
	struct dns_key *k = &event->key;
	if (response) {
		__builtin_memcpy(k->client_addr, key->dst_addr, 16);
		__builtin_memcpy(k->server_addr, key->src_addr, 16);
		k->client_port = key->dst_port;
		k->server_port = key->src_port;
	} else {
		__builtin_memcpy(k->client_addr, key->src_addr, 16);
		__builtin_memcpy(k->server_addr, key->dst_addr, 16);
		k->client_port = key->src_port;
		k->server_port = key->dst_port;
	}
	k->id = ((__u16)m[0] << 8) | m[1];
	k->protocol = key->protocol;
	k->ip_version = key->ip_version;

	__u64 now = bpf_ktime_get_ns();
	struct dns_pending *pending = bpf_map_lookup_elem(&dns_pending, k);
	if (!response) {
		if (pending && now - pending->query_ns < config.dns_timeout_ns)
			return; /* the same query at a second hook, or resent */
		struct dns_pending fresh = { .query_ns = now, .ifindex = key->ifindex };
		bpf_map_update_elem(&dns_pending, k, &fresh, BPF_ANY);
		event->query_ns = now;
		event->response_ns = 0;
		event->ifindex = key->ifindex;
		event->kind = DNS_KIND_QUERY;
		event->rcode = 0;
		event->ancount = 0;
	} else {
		if (!pending) {
			count(COUNTER_DNS_UNMATCHED);
			return;
		}
		__u64 query_ns = pending->query_ns;
		__u32 ifindex = pending->ifindex;
		/* Only the CPU whose delete succeeds reports it: the same response may pass two hooks at once. */
		if (bpf_map_delete_elem(&dns_pending, k) != 0 || now - query_ns >= config.dns_timeout_ns) {
			count(COUNTER_DNS_UNMATCHED);
			return;
		}
		event->query_ns = query_ns;
		event->response_ns = now;
		event->ifindex = ifindex;
		event->kind = DNS_KIND_RESPONSE;
		event->rcode = m[3] & 0x0F;
		event->ancount = ((__u16)m[6] << 8) | m[7];
	}
	event->message_len = message_len;
	event->copied = copied;
	if (bpf_ringbuf_output(&dns_events, event, DNS_EVENT_HEADER_LEN + copied, 0))
		count(COUNTER_DNS_RINGBUF_FULL);
}

#endif
