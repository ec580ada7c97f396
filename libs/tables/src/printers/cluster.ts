// networking, storage, scheduling, coordination, autoscaling and policy kinds.

import { formatLabelSelector, LabelSelector } from '@keelson/apimachinery';
import { AGE, col, NAME, Printer } from '../columns';
import { since } from '../duration';
import { intOrString, Meta, n, quantity, sortedUnique } from '../format';

interface Ingress {
  readonly metadata: Meta;
  readonly spec?: { ingressClassName?: string; rules?: readonly { host?: string }[]; tls?: readonly unknown[] };
  readonly status?: { loadBalancer?: { ingress?: readonly { ip?: string; hostname?: string }[] } };
}

/** `formatHosts`: the first three hosts, "*" when none, "+ N more..." past three rules. */
function formatHosts(rules: readonly { host?: string }[]): string {
  const max = 3;
  const list: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (list.length === max) more = true;
    if (!more && rule.host) list.push(rule.host);
  }
  if (list.length === 0) return '*';
  if (more) return `${list.join(',')} + ${rules.length - max} more...`;
  return list.join(',');
}

export const ingressPrinter: Printer<Ingress> = {
  columns: [
    NAME,
    col('Class', 'string', 'The name of the IngressClass resource that should be used for additional configuration'),
    col('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
    col('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
    col('Ports', 'string', 'Ports of TLS configurations that open'),
    AGE,
  ],
  print: (ing, now) => ({
    cells: [
      ing.metadata.name ?? '',
      ing.spec?.ingressClassName ?? '<none>',
      formatHosts(ing.spec?.rules ?? []),
      sortedUnique((ing.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || '').filter(Boolean)).join(','),
      ing.spec?.tls?.length ? '80, 443' : '80',
      since(ing.metadata.creationTimestamp, now),
    ],
  }),
};

interface IngressClass {
  readonly metadata: Meta;
  readonly spec?: { controller?: string; parameters?: { kind: string; name: string; apiGroup?: string } };
}

export const ingressClassPrinter: Printer<IngressClass> = {
  columns: [
    NAME,
    col('Controller', 'string', 'Controller that is responsible for handling this class'),
    col('Parameters', 'string', 'A reference to a resource with additional parameters'),
    AGE,
  ],
  print: (ic, now) => {
    const p = ic.spec?.parameters;
    const parameters = p ? `${p.kind}${p.apiGroup ? `.${p.apiGroup}` : ''}/${p.name}` : '<none>';
    return { cells: [ic.metadata.name ?? '', ic.spec?.controller ?? '', parameters, since(ic.metadata.creationTimestamp, now)] };
  },
};

export const networkPolicyPrinter: Printer<{ metadata: Meta; spec?: { podSelector?: LabelSelector } }> = {
  columns: [NAME, col('Pod-Selector', 'string', 'Selects the pods to which this NetworkPolicy object applies.'), AGE],
  // podSelector is a value, never nil, in the Go type: a missing one prints as empty, "<none>".
  print: (np, now) => ({ cells: [np.metadata.name ?? '', formatLabelSelector(np.spec?.podSelector ?? {}), since(np.metadata.creationTimestamp, now)] }),
};

interface EndpointSlice {
  readonly metadata: Meta;
  readonly addressType?: string;
  readonly ports?: readonly { name?: string; port?: number }[];
  readonly endpoints?: readonly { addresses?: readonly string[] }[];
}

/** `listWithMoreString`: the first three, then "+ N more..."; nothing at all is "<unset>". */
function listWithMore(all: readonly string[], max = 3): string {
  if (all.length > max) return `${all.slice(0, max).join(',')} + ${all.length - max} more...`;
  return all.join(',') || '<unset>';
}

export const endpointSlicePrinter: Printer<EndpointSlice> = {
  columns: [
    NAME,
    col('AddressType', 'string', 'addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type. This field is immutable after creation. The following address types are currently supported: * IPv4: Represents an IPv4 Address. * IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully Qualified Domain Name.'),
    col('Ports', 'string', 'ports specifies the list of network ports exposed by each endpoint in this slice. Each port must have a unique name. When ports is empty, it indicates that there are no defined ports. When a port is defined with a nil port value, it indicates "all ports". Each slice may include a maximum of 100 ports.'),
    col('Endpoints', 'string', 'endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints.'),
    AGE,
  ],
  // formatDiscoveryPorts: a port without a number prints its name, or "*" (all ports).
  print: (s, now) => ({
    cells: [
      s.metadata.name ?? '',
      s.addressType ?? '',
      listWithMore((s.ports ?? []).map((p) => (p.port !== undefined && p.port !== null ? String(p.port) : p.name !== undefined && p.name !== null ? p.name : '*'))),
      listWithMore((s.endpoints ?? []).flatMap((e) => e.addresses ?? [])),
      since(s.metadata.creationTimestamp, now),
    ],
  }),
};

interface StorageClass {
  readonly metadata: Meta;
  readonly provisioner?: string;
  readonly reclaimPolicy?: string;
  readonly volumeBindingMode?: string;
  readonly allowVolumeExpansion?: boolean;
}

const isDefaultClass = (meta: Meta) =>
  meta.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true' || meta.annotations?.['storageclass.beta.kubernetes.io/is-default-class'] === 'true';

export const storageClassPrinter: Printer<StorageClass> = {
  columns: [
    NAME,
    col('Provisioner', 'string', 'provisioner indicates the type of the provisioner.'),
    col('ReclaimPolicy', 'string', 'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.'),
    col('VolumeBindingMode', 'string', 'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature.'),
    col('AllowVolumeExpansion', 'string', 'allowVolumeExpansion shows whether the storage class allow volume expand.'),
    AGE,
  ],
  print: (sc, now) => ({
    cells: [
      `${sc.metadata.name ?? ''}${isDefaultClass(sc.metadata) ? ' (default)' : ''}`,
      sc.provisioner ?? '',
      sc.reclaimPolicy ?? 'Delete',
      sc.volumeBindingMode ?? 'Immediate',
      sc.allowVolumeExpansion === true,
      since(sc.metadata.creationTimestamp, now),
    ],
  }),
};

interface PriorityClass {
  readonly metadata: Meta;
  readonly value?: number;
  readonly globalDefault?: boolean;
  readonly preemptionPolicy?: string;
}

export const priorityClassPrinter: Printer<PriorityClass> = {
  columns: [
    NAME,
    col('Value', 'integer', 'value represents the integer value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec.'),
    col('Global-Default', 'boolean', 'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class. Only one PriorityClass can be marked as `globalDefault`. However, if more than one PriorityClasses exists with their `globalDefault` field set to true, the smallest value of such global default PriorityClasses will be used as the default priority.'),
    AGE,
    col('PreemptionPolicy', 'string', 'preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset.'),
  ],
  print: (pc, now) => ({ cells: [pc.metadata.name ?? '', n(pc.value), pc.globalDefault === true, since(pc.metadata.creationTimestamp, now), pc.preemptionPolicy ?? ''] }),
};

export const leasePrinter: Printer<{ metadata: Meta; spec?: { holderIdentity?: string } }> = {
  columns: [NAME, col('Holder', 'string', 'holderIdentity contains the identity of the holder of a current lease.'), AGE],
  print: (l, now) => ({ cells: [l.metadata.name ?? '', l.spec?.holderIdentity ?? '', since(l.metadata.creationTimestamp, now)] }),
};

interface PodDisruptionBudget {
  readonly metadata: Meta;
  readonly spec?: { minAvailable?: string | number; maxUnavailable?: string | number };
  readonly status?: { disruptionsAllowed?: number };
}

export const podDisruptionBudgetPrinter: Printer<PodDisruptionBudget> = {
  columns: [
    NAME,
    col('Min Available', 'string', 'The minimum number of pods that must be available.'),
    col('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    col('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    AGE,
  ],
  print: (pdb, now) => ({
    cells: [
      pdb.metadata.name ?? '',
      pdb.spec?.minAvailable !== undefined ? intOrString(pdb.spec.minAvailable) : 'N/A',
      pdb.spec?.maxUnavailable !== undefined ? intOrString(pdb.spec.maxUnavailable) : 'N/A',
      n(pdb.status?.disruptionsAllowed),
      since(pdb.metadata.creationTimestamp, now),
    ],
  }),
};

interface MetricTarget {
  type?: string;
  averageUtilization?: number;
  averageValue?: string;
  value?: string;
}
interface MetricSpec {
  type: string;
  resource?: { name: string; target: MetricTarget };
  containerResource?: { name: string; target: MetricTarget };
  pods?: { target: MetricTarget };
  object?: { target: MetricTarget };
  external?: { target: MetricTarget };
}
interface MetricStatus {
  resource?: { current: MetricTarget };
  containerResource?: { current: MetricTarget };
  pods?: { current: MetricTarget };
  object?: { current: MetricTarget };
  external?: { current: MetricTarget };
}
interface HPA {
  readonly metadata: Meta;
  readonly spec?: {
    scaleTargetRef?: { kind?: string; name?: string };
    minReplicas?: number;
    maxReplicas?: number;
    metrics?: readonly MetricSpec[];
    targetCPUUtilizationPercentage?: number; // autoscaling/v1
  };
  readonly status?: { currentReplicas?: number; currentMetrics?: readonly MetricStatus[]; currentCPUUtilizationPercentage?: number };
}

/** One metric as "cpu: 40%/80%", "<unknown>/500m" or "1/10 (avg)". */
function formatMetric(spec: MetricSpec, status: MetricStatus | undefined): string {
  switch (spec.type) {
    case 'Resource':
    case 'ContainerResource': {
      const s = spec.type === 'Resource' ? spec.resource! : spec.containerResource!;
      const cur = spec.type === 'Resource' ? status?.resource?.current : status?.containerResource?.current;
      if (s.target.averageValue !== undefined) return `${s.name}: ${cur?.averageValue !== undefined ? quantity(cur.averageValue) : '<unknown>'}/${quantity(s.target.averageValue)}`;
      const current = cur?.averageUtilization !== undefined ? `${cur.averageUtilization}%` : '<unknown>';
      const target = s.target.averageUtilization !== undefined ? `${s.target.averageUtilization}%` : '<auto>';
      return `${s.name}: ${current}/${target}`;
    }
    case 'Pods':
      return `${status?.pods?.current.averageValue ?? '<unknown>'}/${quantity(spec.pods?.target.averageValue)}`;
    case 'Object':
    case 'External': {
      const t = (spec.type === 'Object' ? spec.object : spec.external)!.target;
      const c = (spec.type === 'Object' ? status?.object : status?.external)?.current;
      if (t.averageValue !== undefined) return `${c?.averageValue ?? '<unknown>'}/${quantity(t.averageValue)} (avg)`;
      return `${c?.value ?? '<unknown>'}/${quantity(t.value)}`;
    }
    default:
      return '<unknown type>';
  }
}

/** `formatHPAMetrics`: at most two metrics, then "+ N more...". autoscaling/v1 reads as one cpu metric. */
function formatHPAMetrics(hpa: HPA): string {
  let specs = hpa.spec?.metrics ?? [];
  let statuses = hpa.status?.currentMetrics ?? [];
  if (!hpa.spec?.metrics && hpa.spec?.targetCPUUtilizationPercentage !== undefined) {
    specs = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: hpa.spec.targetCPUUtilizationPercentage } } }];
    const current = hpa.status?.currentCPUUtilizationPercentage;
    statuses = current !== undefined ? [{ resource: { current: { averageUtilization: current } } }] : [];
  }
  if (specs.length === 0) return '<none>';
  const list = specs.map((s, i) => formatMetric(s, statuses[i]));
  return list.length > 2 ? `${list.slice(0, 2).join(', ')} + ${list.length - 2} more...` : list.join(', ');
}

export const horizontalPodAutoscalerPrinter: Printer<HPA> = {
  columns: [
    NAME,
    col('Reference', 'string', 'scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count.'),
    col('Targets', 'string', 'metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used).'),
    col('MinPods', 'string', 'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.'),
    col('MaxPods', 'string', 'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.'),
    col('Replicas', 'string', 'currentReplicas is current number of replicas of pods managed by this autoscaler.'),
    AGE,
  ],
  print: (hpa, now) => ({
    cells: [
      hpa.metadata.name ?? '',
      `${hpa.spec?.scaleTargetRef?.kind ?? ''}/${hpa.spec?.scaleTargetRef?.name ?? ''}`,
      formatHPAMetrics(hpa),
      hpa.spec?.minReplicas !== undefined ? String(hpa.spec.minReplicas) : '<unset>',
      n(hpa.spec?.maxReplicas),
      n(hpa.status?.currentReplicas),
      since(hpa.metadata.creationTimestamp, now),
    ],
  }),
};
