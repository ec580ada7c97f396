// Core (v1) kinds other than pods: services, endpoints, nodes, namespaces, configmaps,
// secrets, serviceaccounts, persistentvolumes and persistentvolumeclaims.

import { formatLabels } from '@keelson/apimachinery';
import { AGE, col, NAME, Printer } from '../columns';
import { since } from '../duration';
import { accessModesAsString, Meta, quantity, sortedUnique } from '../format';

interface Service {
  readonly metadata: Meta;
  readonly spec?: {
    readonly type?: string;
    readonly clusterIP?: string;
    readonly clusterIPs?: readonly string[];
    readonly externalIPs?: readonly string[];
    readonly externalName?: string;
    readonly selector?: Readonly<Record<string, string>>;
    readonly ports?: readonly { port: number; nodePort?: number; protocol?: string }[];
  };
  readonly status?: { readonly loadBalancer?: { readonly ingress?: readonly { ip?: string; hostname?: string }[] } };
}

/** The server always prints "wide", so load-balancer addresses are never clipped to 16 bytes. */
function externalIP(svc: Service): string {
  const spec = svc.spec ?? {};
  const external = spec.externalIPs ?? [];
  switch (spec.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return external.length ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = sortedUnique((svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || '').filter(Boolean));
      if (external.length) return [...lb, ...external].join(',');
      return lb.length ? lb.join(',') : '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

/** `makePortString`: "80/TCP,443:30443/TCP". */
const ports = (svc: Service) =>
  (svc.spec?.ports ?? []).map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`)).join(',');

export const servicePrinter: Printer<Service> = {
  columns: [
    NAME,
    col('Type', 'string', 'type determines how the Service is exposed.'),
    col('Cluster-IP', 'string', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    col('External-IP', 'string', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
    col('Port(s)', 'string', 'The list of ports that are exposed by this service.'),
    AGE,
    col('Selector', 'string', 'Route service traffic to pods with label keys and values matching this selector.', 1),
  ],
  print: (svc, now) => ({
    cells: [
      svc.metadata.name ?? '',
      svc.spec?.type ?? '',
      svc.spec?.clusterIPs?.[0] ?? svc.spec?.clusterIP ?? '<none>',
      externalIP(svc),
      ports(svc) || '<none>',
      since(svc.metadata.creationTimestamp, now),
      formatLabels(svc.spec?.selector),
    ],
  }),
};

interface Endpoints {
  readonly metadata: Meta;
  readonly subsets?: readonly { addresses?: readonly { ip: string }[]; ports?: readonly { port: number }[] }[];
}

/** `formatEndpoints`: the first three ip:port pairs, then "+ N more...". */
function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let count = 0;
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    const targets = ss.ports?.length ? ss.ports.flatMap((p) => addresses.map((a) => (a.ip.includes(':') ? `[${a.ip}]:${p.port}` : `${a.ip}:${p.port}`))) : addresses.map((a) => a.ip);
    count += targets.length;
    for (const t of targets) if (list.length < max) list.push(t);
  }
  return count > max ? `${list.join(',')} + ${count - max} more...` : list.join(',');
}

export const endpointsPrinter: Printer<Endpoints> = {
  columns: [NAME, col('Endpoints', 'string', 'The set of all endpoints is the union of all subsets.'), AGE],
  print: (ep, now) => ({ cells: [ep.metadata.name ?? '', formatEndpoints(ep), since(ep.metadata.creationTimestamp, now)] }),
};

interface Node {
  readonly metadata: Meta;
  readonly spec?: { readonly unschedulable?: boolean };
  readonly status?: {
    readonly conditions?: readonly { type: string; status: string }[];
    readonly addresses?: readonly { type: string; address: string }[];
    readonly nodeInfo?: { kubeletVersion?: string; osImage?: string; kernelVersion?: string; containerRuntimeVersion?: string };
  };
}

/** Roles from `node-role.kubernetes.io/<role>` keys and the `kubernetes.io/role` value. */
function nodeRoles(node: Node): string {
  const roles: string[] = [];
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/') && k.length > 'node-role.kubernetes.io/'.length) roles.push(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role' && v) roles.push(v);
  }
  return sortedUnique(roles).join(',') || '<none>';
}

function nodeStatus(node: Node): string {
  const ready = node.status?.conditions?.filter((c) => c.type === 'Ready').pop();
  const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

const address = (node: Node, type: string) => node.status?.addresses?.find((a) => a.type === type)?.address ?? '<none>';

export const nodePrinter: Printer<Node> = {
  columns: [
    NAME,
    col('Status', 'string', 'The status of the node'),
    col('Roles', 'string', 'The roles of the node'),
    AGE,
    col('Version', 'string', 'Kubelet Version reported by the node.'),
    col('Internal-IP', 'string', 'List of addresses reachable to the node.', 1),
    col('External-IP', 'string', 'List of addresses reachable to the node.', 1),
    col('OS-Image', 'string', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 1),
    col('Kernel-Version', 'string', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
    col('Container-Runtime', 'string', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', 1),
  ],
  print: (node, now) => {
    const info = node.status?.nodeInfo ?? {};
    return {
      cells: [
        node.metadata.name ?? '',
        nodeStatus(node),
        nodeRoles(node),
        since(node.metadata.creationTimestamp, now),
        info.kubeletVersion ?? '',
        address(node, 'InternalIP'),
        address(node, 'ExternalIP'),
        info.osImage || '<unknown>',
        info.kernelVersion || '<unknown>',
        info.containerRuntimeVersion || '<unknown>',
      ],
    };
  },
};

interface Simple {
  readonly metadata: Meta;
  readonly status?: { readonly phase?: string };
  readonly type?: string;
  readonly data?: Readonly<Record<string, string>>;
  readonly binaryData?: Readonly<Record<string, string>>;
  readonly secrets?: readonly unknown[];
}

export const namespacePrinter: Printer<Simple> = {
  columns: [NAME, col('Status', 'string', 'The status of the namespace'), AGE],
  print: (ns, now) => ({ cells: [ns.metadata.name ?? '', ns.status?.phase ?? '', since(ns.metadata.creationTimestamp, now)] }),
};

const count = (m: Readonly<Record<string, unknown>> | undefined) => Object.keys(m ?? {}).length;

export const configMapPrinter: Printer<Simple> = {
  columns: [NAME, col('Data', 'string', 'Data contains the configuration data.'), AGE],
  print: (cm, now) => ({ cells: [cm.metadata.name ?? '', count(cm.data) + count(cm.binaryData), since(cm.metadata.creationTimestamp, now)] }),
};

export const secretPrinter: Printer<Simple> = {
  columns: [NAME, col('Type', 'string', 'Used to facilitate programmatic handling of secret data.'), col('Data', 'string', 'Data contains the secret data.'), AGE],
  // The API serves stringData folded into data, so only data is counted, as Kubernetes does.
  print: (s, now) => ({ cells: [s.metadata.name ?? '', s.type ?? '', count(s.data), since(s.metadata.creationTimestamp, now)] }),
};

export const serviceAccountPrinter: Printer<Simple> = {
  columns: [NAME, col('Secrets', 'string', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'), AGE],
  print: (sa, now) => ({ cells: [sa.metadata.name ?? '', (sa.secrets ?? []).length, since(sa.metadata.creationTimestamp, now)] }),
};

interface Volume {
  readonly metadata: Meta;
  readonly spec?: {
    readonly capacity?: Readonly<Record<string, string>>;
    readonly accessModes?: readonly string[];
    readonly persistentVolumeReclaimPolicy?: string;
    readonly claimRef?: { namespace?: string; name?: string };
    readonly storageClassName?: string;
    readonly volumeAttributesClassName?: string;
    readonly volumeMode?: string;
    readonly volumeName?: string;
    readonly resources?: { requests?: Readonly<Record<string, string>> };
  };
  readonly status?: { readonly phase?: string; readonly reason?: string; readonly accessModes?: readonly string[]; readonly capacity?: Readonly<Record<string, string>> };
}

/** The beta annotation still wins over spec.storageClassName, as in `GetPersistentVolumeClass`. */
const storageClassOf = (v: Volume) => v.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? v.spec?.storageClassName ?? '';
const phaseOf = (v: Volume) => (v.metadata.deletionTimestamp ? 'Terminating' : v.status?.phase ?? '');

export const persistentVolumePrinter: Printer<Volume> = {
  columns: [
    NAME,
    col('Capacity', 'string', "capacity is the description of the persistent volume's resources and capacity."),
    col('Access Modes', 'string', 'accessModes contains all ways the volume can be mounted.'),
    col('Reclaim Policy', 'string', 'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.'),
    col('Status', 'string', 'phase indicates if a volume is available, bound to a claim, or released by a claim.'),
    col('Claim', 'string', 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.'),
    col('StorageClass', 'string', 'StorageClass of the pv'),
    col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
    col('Reason', 'string', 'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.'),
    AGE,
    col('VolumeMode', 'string', 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.', 1),
  ],
  print: (pv, now) => ({
    cells: [
      pv.metadata.name ?? '',
      quantity(pv.spec?.capacity?.storage),
      accessModesAsString(pv.spec?.accessModes),
      pv.spec?.persistentVolumeReclaimPolicy ?? '',
      phaseOf(pv),
      pv.spec?.claimRef ? `${pv.spec.claimRef.namespace ?? ''}/${pv.spec.claimRef.name ?? ''}` : '',
      storageClassOf(pv),
      pv.spec?.volumeAttributesClassName ?? '<unset>',
      pv.status?.reason ?? '',
      since(pv.metadata.creationTimestamp, now),
      pv.spec?.volumeMode ?? '<unset>',
    ],
  }),
};

export const persistentVolumeClaimPrinter: Printer<Volume> = {
  columns: [
    NAME,
    col('Status', 'string', 'phase represents the current phase of PersistentVolumeClaim.'),
    col('Volume', 'string', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
    col('Capacity', 'string', 'capacity represents the actual resources of the underlying volume.'),
    col('Access Modes', 'string', 'accessModes contains the actual access modes the volume backing the PVC has.'),
    col('StorageClass', 'string', 'StorageClass of the pvc'),
    col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    AGE,
    col('VolumeMode', 'string', 'volumeMode defines what type of volume is required by the claim.', 1),
  ],
  // Capacity and access modes are shown only once the claim is bound to a volume.
  print: (pvc, now) => {
    const bound = Boolean(pvc.spec?.volumeName);
    return {
      cells: [
        pvc.metadata.name ?? '',
        phaseOf(pvc),
        pvc.spec?.volumeName ?? '',
        bound ? quantity(pvc.status?.capacity?.storage) : '',
        bound ? accessModesAsString(pvc.status?.accessModes) : '',
        storageClassOf(pvc),
        pvc.spec?.volumeAttributesClassName ?? '<unset>',
        since(pvc.metadata.creationTimestamp, now),
        pvc.spec?.volumeMode ?? '<unset>',
      ],
    };
  },
};
