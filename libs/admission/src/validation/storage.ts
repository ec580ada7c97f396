// PersistentVolume, PersistentVolumeClaim and StorageClass (pkg/apis/core|storage/validation).
import { Cause, Causes, Json, arr, deepEqual, obj, oneOf } from '../causes';
import { validateResources } from './pod';
import { parseQuantity, isValidQuantity } from '../quantity';

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const VOLUME_MODES = ['Block', 'Filesystem'];
const PV_SOURCES = ['hostPath', 'local', 'nfs', 'csi', 'iscsi', 'fc', 'rbd', 'cephfs', 'glusterfs', 'flexVolume', 'gcePersistentDisk', 'awsElasticBlockStore', 'azureFile', 'azureDisk', 'cinder', 'vsphereVolume', 'portworxVolume', 'quobyte', 'scaleIO', 'storageos', 'photonPersistentDisk', 'flocker'];

function validateAccessModes(modes: unknown, path: string): Causes {
  const list = arr(modes);
  if (list.length === 0) return [Cause.required(path, 'at least 1 access mode is required')];
  return list.flatMap((m) => oneOf(path, m, ACCESS_MODES));
}

export function validatePvcSpec(spec: Json | undefined, path: string): Causes {
  const s = spec ?? {};
  const out: Causes = [...validateAccessModes(s.accessModes, `${path}.accessModes`)];
  const resources = obj(s.resources);
  const storage = obj(resources?.requests)?.storage;
  if (storage === undefined) out.push(Cause.required(`${path}.resources[storage]`));
  out.push(...validateResources(resources, `${path}.resources`));
  out.push(...oneOf(`${path}.volumeMode`, s.volumeMode, VOLUME_MODES));
  return out;
}

/** After creation only resources.requests may change (grow) and volumeName may be set once by the binder. */
export function validatePvcUpdate(spec: Json, old: Json): Causes {
  const strip = (s: Json) => {
    const { resources, volumeName, volumeAttributesClassName, ...rest } = s;
    return { ...rest, limits: obj(resources)?.limits };
  };
  const out: Causes = [];
  const volumeNameChanged = old.volumeName !== undefined && spec.volumeName !== old.volumeName;
  if (!deepEqual(strip(spec), strip(old)) || volumeNameChanged) {
    out.push(Cause.forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
  }
  const now = obj(obj(spec.resources)?.requests)?.storage;
  const before = obj(obj(old.resources)?.requests)?.storage;
  if (isValidQuantity(now) && isValidQuantity(before) && parseQuantity(now as string) < parseQuantity(before as string)) {
    out.push(Cause.forbidden('spec.resources.requests.storage', 'field can not be less than previous value'));
  }
  return out;
}

export function validatePvSpec(spec: Json | undefined): Causes {
  const s = spec ?? {};
  const out: Causes = [...validateAccessModes(s.accessModes, 'spec.accessModes')];
  const capacity = obj(s.capacity);
  if (!capacity || capacity.storage === undefined) out.push(Cause.required('spec.capacity', 'must specify spec.capacity.storage'));
  else out.push(...validateResources({ limits: capacity }, 'spec').map((c) => ({ ...c, field: c.field?.replace('spec.limits', 'spec.capacity') })));
  const sources = PV_SOURCES.filter((k) => s[k] !== undefined);
  if (sources.length === 0) out.push(Cause.required('spec', 'must specify a volume type'));
  else if (sources.length > 1) out.push(Cause.forbidden(`spec.${sources[1]}`, 'may not specify more than 1 volume type'));
  out.push(...oneOf('spec.persistentVolumeReclaimPolicy', s.persistentVolumeReclaimPolicy, ['Delete', 'Recycle', 'Retain']));
  out.push(...oneOf('spec.volumeMode', s.volumeMode, VOLUME_MODES));
  return out;
}

export function validateStorageClass(o: Json): Causes {
  const out: Causes = [];
  if (!o.provisioner) out.push(Cause.required('provisioner'));
  out.push(...oneOf('reclaimPolicy', o.reclaimPolicy, ['Delete', 'Retain']));
  out.push(...oneOf('volumeBindingMode', o.volumeBindingMode, ['Immediate', 'WaitForFirstConsumer']));
  return out;
}
