// The subject codec of the event log contract (ARCHITECTURE.md, "The event log contract"):
//   keelson.obj.<resource>.<namespace>.<name>
// <resource> is the plural with its group, dots turned to '_' (deployments.apps → deployments_apps),
// cluster-scoped objects use '_' as namespace, and a '.' in a name is written '~'
// (no Kubernetes name contains '~', and NATS subjects cannot carry '.' inside a token).

export const STREAM = 'KEELSON';
export const OBJECT_SUBJECT_PREFIX = 'keelson.obj';
const CLUSTER_SCOPE = '_';

export interface ObjectKey {
  readonly group: string;
  readonly plural: string;
  /** undefined or '' for cluster-scoped objects */
  readonly namespace?: string;
  readonly name: string;
}

export function resourceToken(group: string, plural: string): string {
  return group ? `${plural}_${group.replace(/\./g, '_')}` : plural;
}

function encodeToken(s: string): string {
  return s.replace(/\./g, '~');
}

function decodeToken(s: string): string {
  return s.replace(/~/g, '.');
}

/** `prefix` is two tokens; production uses keelson.obj, tests their own so their streams don't overlap. */
export function subjectFor(key: ObjectKey, prefix = OBJECT_SUBJECT_PREFIX): string {
  return `${prefix}.${resourceToken(key.group, key.plural)}.${key.namespace ? encodeToken(key.namespace) : CLUSTER_SCOPE}.${encodeToken(key.name)}`;
}

/** A filter for every object of a resource, optionally of one namespace. */
export function filterFor(group: string, plural: string, namespace?: string, prefix = OBJECT_SUBJECT_PREFIX): string {
  return `${prefix}.${resourceToken(group, plural)}.${namespace ? encodeToken(namespace) : '*'}.*`;
}

/**
 * Parses a subject back to its parts. The group cannot be recovered from the token alone
 * ('_' stands for '.'), so the resource token is returned as it is; callers map it through
 * the resource registry (`resourceToken(group, plural)` is unique per resource).
 */
export function parseSubject(subject: string): { resourceToken: string; namespace?: string; name: string } {
  const parts = subject.split('.');
  if (parts.length !== 5) throw new Error(`not an object subject: ${subject}`);
  const [, , token, ns, name] = parts;
  return { resourceToken: token, namespace: ns === CLUSTER_SCOPE ? undefined : decodeToken(ns), name: decodeToken(name) };
}
