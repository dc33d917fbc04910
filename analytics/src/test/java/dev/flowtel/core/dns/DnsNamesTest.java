package dev.flowtel.core.dns;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DnsNamesTest {

  @Test
  void theParentDomainIsTheRegistrableOne() {
    assertThat(DnsNames.parentDomain("x1.tunnel.example.com")).isEqualTo("example.com");
    assertThat(DnsNames.parentDomain("example.com")).isEqualTo("example.com");
    assertThat(DnsNames.parentDomain("localhost")).isEqualTo("localhost");
    assertThat(DnsNames.parentDomain("www.bbc.co.uk")).isEqualTo("bbc.co.uk");
    assertThat(DnsNames.parentDomain("a.b.shop.com.au")).isEqualTo("shop.com.au");
    assertThat(DnsNames.parentDomain("co.uk")).isEqualTo("co.uk");
    assertThat(DnsNames.parentDomain("api.example.de")).isEqualTo("example.de");
  }

  @Test
  void theSubdomainIsWhatComesBeforeTheParent() {
    assertThat(DnsNames.subdomain("x1.tunnel.example.com", "example.com")).isEqualTo("x1.tunnel");
    assertThat(DnsNames.subdomain("example.com", "example.com")).isEmpty();
    assertThat(DnsNames.under("cart.shop.svc.cluster.local", "cluster.local")).isTrue();
    assertThat(DnsNames.under("cluster.local", "cluster.local")).isTrue();
    assertThat(DnsNames.under("evilcluster.local", "cluster.local")).isFalse();
  }

  @Test
  void encodedPayloadsAreHighInEntropy() {
    assertThat(DnsNames.entropy("aaaa")).isEqualTo(0.0);
    assertThat(DnsNames.entropy("ab")).isEqualTo(1.0);
    assertThat(DnsNames.entropy("0123456789abcdef")).isEqualTo(4.0);
    assertThat(DnsNames.entropy("4f2a9c1e7b4d4e8a9f1c2d3e.4f5a6b7c8d9e0f1a")).isGreaterThan(3.5);
    assertThat(DnsNames.entropy("mfrggzdfmztwq2lknnwg23tpobyxe43uov3ho6dzpiyteojq")).isGreaterThan(4.0); // base32
    assertThat(DnsNames.entropy("wwwwww-api")).isLessThan(3.5);
    assertThat(DnsNames.letters("ab.cd")).isEqualTo(4);
  }
}
