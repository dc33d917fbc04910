package dev.flowtel.collector.enrich;

import dev.flowtel.core.policy.IpAddress;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns the Kubernetes objects informers deliver into the compact records the cache keeps. */
public final class KubeObjects {

  /** The label on an EndpointSlice naming its Service. */
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
  private static final String POD_TEMPLATE_HASH = "pod-template-hash";

  private KubeObjects() {}

  /**
   * The pod as enrichment keeps it. A pod that completed ({@code Succeeded} or {@code Failed})
   * released its IP when its last container finished, so its interval ends then ({@code nowMillis}
   * when the status does not say).
   */
  public static PodRecord pod(Pod pod, long nowMillis) {
    var meta = pod.getMetadata();
    var spec = pod.getSpec();
    var status = pod.getStatus();
    boolean hostNetwork = spec != null && Boolean.TRUE.equals(spec.getHostNetwork());
    List<NamedPort> ports = new ArrayList<>();
    if (spec != null && spec.getContainers() != null) {
      for (Container c : spec.getContainers()) {
        for (ContainerPort p : c.getPorts() == null ? List.<ContainerPort>of() : c.getPorts()) {
          if (p.getContainerPort() != null) {
            ports.add(new NamedPort(p.getName(), p.getContainerPort(), NamedPort.protocolNumber(p.getProtocol())));
          }
        }
      }
    }
    Set<IpAddress> addresses = new LinkedHashSet<>();
    Set<IpAddress> hostAddresses = new LinkedHashSet<>();
    long start = millis(meta.getCreationTimestamp(), 0);
    long end = PodRecord.OPEN;
    if (status != null) {
      if (status.getPodIP() != null && !status.getPodIP().isEmpty()) {
        addresses.add(IpAddress.parse(status.getPodIP()).unmapped());
      }
      for (PodIP ip : status.getPodIPs() == null ? List.<PodIP>of() : status.getPodIPs()) {
        if (ip.getIp() != null && !ip.getIp().isEmpty()) {
          addresses.add(IpAddress.parse(ip.getIp()).unmapped());
        }
      }
      if (status.getHostIP() != null && !status.getHostIP().isEmpty()) {
        hostAddresses.add(IpAddress.parse(status.getHostIP()).unmapped());
      }
      for (HostIP ip : status.getHostIPs() == null ? List.<HostIP>of() : status.getHostIPs()) {
        if (ip.getIp() != null && !ip.getIp().isEmpty()) {
          hostAddresses.add(IpAddress.parse(ip.getIp()).unmapped());
        }
      }
      // The kubelet sets startTime before the sandbox gets its IP; creation is earlier still.
      start = millis(status.getStartTime(), start);
      if ("Succeeded".equals(status.getPhase()) || "Failed".equals(status.getPhase())) {
        end = Math.max(start, finishedAt(status.getContainerStatuses(), nowMillis));
      }
    }
    Map<String, String> labels = meta.getLabels() == null ? Map.of() : meta.getLabels();
    return new PodRecord(meta.getUid() == null ? meta.getNamespace() + "/" + meta.getName() : meta.getUid(),
        meta.getNamespace(), meta.getName(), labels, spec == null ? null : spec.getNodeName(), hostNetwork, ports,
        List.copyOf(addresses), List.copyOf(hostAddresses), controller(pod), labels.get(POD_TEMPLATE_HASH), start, end,
        meta.getResourceVersion());
  }

  /** The controlling owner of {@code object} ({@code controller: true}), else its first owner, else null. */
  public static OwnerRef controller(HasMetadata object) {
    List<OwnerReference> refs = object.getMetadata().getOwnerReferences();
    if (refs == null || refs.isEmpty()) {
      return null;
    }
    OwnerReference chosen = refs.stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst().orElse(refs.get(0));
    return new OwnerRef(chosen.getKind(), chosen.getName());
  }

  public static ServiceRecord service(Service service) {
    var meta = service.getMetadata();
    var spec = service.getSpec();
    List<IpAddress> clusterIps = new ArrayList<>();
    List<String> ips = spec.getClusterIPs() != null && !spec.getClusterIPs().isEmpty() ? spec.getClusterIPs()
        : spec.getClusterIP() == null ? List.of() : List.of(spec.getClusterIP());
    for (String ip : ips) {
      if (ip != null && !ip.isEmpty() && !ip.equals("None")) {
        clusterIps.add(IpAddress.parse(ip).unmapped());
      }
    }
    List<ServiceRecord.Port> ports = new ArrayList<>();
    for (ServicePort p : spec.getPorts() == null ? List.<ServicePort>of() : spec.getPorts()) {
      IntOrString target = p.getTargetPort();
      int targetPort = p.getPort();
      String targetName = null;
      if (target != null && target.getStrVal() != null) {
        targetPort = -1;
        targetName = target.getStrVal();
      } else if (target != null && target.getIntVal() != null) {
        targetPort = target.getIntVal();
      }
      ports.add(new ServiceRecord.Port(p.getName(), p.getPort(), NamedPort.protocolNumber(p.getProtocol()), targetPort,
          targetName));
    }
    Map<String, String> selector = spec.getSelector() == null || spec.getSelector().isEmpty() ? null : Map.copyOf(spec.getSelector());
    return new ServiceRecord(meta.getNamespace(), meta.getName(), List.copyOf(clusterIps), List.copyOf(ports), selector,
        meta.getResourceVersion());
  }

  /** The slice's addresses (of every endpoint, ready or not: flows reach terminating pods too) and ports. */
  public static EndpointSliceRecord endpointSlice(EndpointSlice slice) {
    var meta = slice.getMetadata();
    String service = meta.getLabels() == null ? null : meta.getLabels().get(SERVICE_NAME_LABEL);
    List<IpAddress> addresses = new ArrayList<>();
    if ("IPv4".equals(slice.getAddressType()) || "IPv6".equals(slice.getAddressType())) {
      for (var endpoint : slice.getEndpoints() == null ? List.<io.fabric8.kubernetes.api.model.discovery.v1.Endpoint>of()
          : slice.getEndpoints()) {
        for (String a : endpoint.getAddresses() == null ? List.<String>of() : endpoint.getAddresses()) {
          addresses.add(IpAddress.parse(a).unmapped());
        }
      }
    }
    List<NamedPort> ports = new ArrayList<>();
    for (EndpointPort p : slice.getPorts() == null ? List.<EndpointPort>of() : slice.getPorts()) {
      if (p.getPort() != null) {
        ports.add(new NamedPort(p.getName(), p.getPort(), NamedPort.protocolNumber(p.getProtocol())));
      }
    }
    return new EndpointSliceRecord(meta.getNamespace(), meta.getName(), service, List.copyOf(addresses), List.copyOf(ports),
        meta.getResourceVersion());
  }

  private static long finishedAt(List<ContainerStatus> statuses, long otherwise) {
    long latest = -1;
    for (ContainerStatus s : statuses == null ? List.<ContainerStatus>of() : statuses) {
      if (s.getState() != null && s.getState().getTerminated() != null) {
        latest = Math.max(latest, millis(s.getState().getTerminated().getFinishedAt(), -1));
      }
    }
    return latest < 0 ? otherwise : latest;
  }

  private static long millis(String rfc3339, long otherwise) {
    if (rfc3339 == null || rfc3339.isEmpty()) {
      return otherwise;
    }
    try {
      return Instant.parse(rfc3339).toEpochMilli();
    } catch (java.time.format.DateTimeParseException e) {
      return otherwise;
    }
  }
}
