import type { KubeObject, ObjectMeta, OwnerReference } from '@keelson/apimachinery';
import { canonical, fnv32, fnv32a, goJson, safeEncode } from './hash';

// ControllerRevision helpers shared by StatefulSet and DaemonSet, after Kubernetes'
// pkg/controller/history. A revision is a snapshot of the parent's pod template stored as the
// strategic merge patch that restores it:
//
//   data = {"spec":{"template":{"$patch":"replace","metadata":{…},"spec":{…}}}}
//
// which is exactly what `kubectl rollout undo` sends back as a strategic-merge PATCH of the
// parent (kubectl's polymorphichelpers/rollback.go), and what `kubectl rollout history
// --revision=N` applies to show a template.

/** Label on every revision: the hash of its data, checked before comparing data (history.ControllerRevisionHashLabel). */
export const CONTROLLER_REVISION_HASH_LABEL = 'controller.kubernetes.io/hash';
/** Label on pods (and DaemonSet revisions) naming the revision they were made from (apps.ControllerRevisionHashLabelKey). */
export const POD_REVISION_LABEL = 'controller-revision-hash';

export interface ControllerRevision extends KubeObject {
  metadata: ObjectMeta & { name: string };
  data?: unknown;
  revision: number;
}

/** What a revision snapshots: the parent's pod template. */
export interface TemplateParent {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec: { template: Record<string, unknown> };
}

/** getPatch: a patch replacing spec.template with the parent's template, keys in Go order. */
export function templatePatch(parent: TemplateParent): Record<string, unknown> {
  return canonical({ spec: { template: { ...parent.spec.template, $patch: 'replace' } } });
}

/** The template a revision restores (what ApplyRevision leaves in spec.template). */
export function templateOf(revision: ControllerRevision): Record<string, unknown> | undefined {
  const template = (revision.data as { spec?: { template?: Record<string, unknown> } } | undefined)?.spec?.template;
  if (!template) return undefined;
  const { $patch: _directive, ...rest } = template;
  return rest;
}

/** HashControllerRevision: FNV-1 over the data's bytes, then the probe (collisionCount) as decimal text. */
export function hashControllerRevision(data: unknown, probe?: number): string {
  const bytes = goJson(data) + (probe === undefined ? '' : String(probe));
  return safeEncode(String(fnv32(bytes)));
}

/**
 * controller.ComputeHash (DaemonSet revision names, Deployment's pod-template-hash): FNV-1a over the
 * template, then collisionCount as 8 little-endian bytes of which the upper four are zero.
 * Kubernetes hashes a spew dump of the Go struct, which cannot be reproduced outside Go; the
 * template's Go-ordered JSON stands in for it, so names are stable here but differ from a real
 * cluster's for the same template.
 */
export function computeHash(template: unknown, collisionCount?: number): string {
  let h = fnv32a(goJson(template));
  if (collisionCount !== undefined) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(bytes, h);
  }
  return safeEncode(String(h));
}

/** `<prefix>-<hash>`, the prefix cut to 223 bytes so the name fits 253. */
export function controllerRevisionName(prefix: string, hash: string): string {
  return `${prefix.length > 223 ? prefix.slice(0, 223) : prefix}-${hash}`;
}

export const sameData = (a: ControllerRevision, b: ControllerRevision): boolean => goJson(a.data) === goJson(b.data);

/** EqualRevision: differing hash labels short-cut to false; otherwise the data decides. */
export function equalRevision(a: ControllerRevision, b: ControllerRevision): boolean {
  const ha = a.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];
  const hb = b.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];
  if (ha !== undefined && hb !== undefined && ha !== hb) return false;
  return sameData(a, b);
}

export const findEqualRevisions = (revisions: readonly ControllerRevision[], needle: ControllerRevision): ControllerRevision[] =>
  revisions.filter((r) => equalRevision(r, needle));

/** By revision number, ties by creation time then name (history.SortControllerRevisions); returns a new array. */
export function sortRevisions(revisions: readonly ControllerRevision[]): ControllerRevision[] {
  return [...revisions].sort(
    (a, b) =>
      a.revision - b.revision ||
      Date.parse(a.metadata.creationTimestamp ?? '') - Date.parse(b.metadata.creationTimestamp ?? '') ||
      (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0),
  );
}

export const maxRevision = (revisions: readonly ControllerRevision[]): number => revisions.reduce((m, r) => Math.max(m, r.revision), 0);

/** One more than the highest revision number, 1 for an empty history. */
export const nextRevision = (revisions: readonly ControllerRevision[]): number => maxRevision(revisions) + 1;

export function controllerRef(parent: { apiVersion: string; kind: string; metadata: ObjectMeta }): OwnerReference {
  return { apiVersion: parent.apiVersion, kind: parent.kind, name: parent.metadata.name ?? '', uid: parent.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

export const controllerOf = (obj: KubeObject): OwnerReference | undefined => obj.metadata.ownerReferences?.find((r) => r.controller === true);

export interface NewRevisionArgs {
  parent: TemplateParent;
  /** labels of the revision besides the hash label: the template's, so the parent's selector lists it */
  labels: Readonly<Record<string, string>>;
  data: unknown;
  revision: number;
  name: string;
  annotations?: Readonly<Record<string, string>>;
}

export function newControllerRevision(args: NewRevisionArgs): ControllerRevision {
  const { parent } = args;
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: args.name,
      namespace: parent.metadata.namespace,
      labels: { ...args.labels },
      ...(args.annotations ? { annotations: { ...args.annotations } } : {}),
      ownerReferences: [controllerRef(parent)],
    },
    data: args.data,
    revision: args.revision,
  };
}

/**
 * What CreateControllerRevision's retry loop ends with, decided on the revisions we can see:
 * a name taken by a revision with other data is a collision, so collisionCount goes up and the
 * name is hashed again; a name taken by a revision with the same data is that revision.
 */
export function claimRevisionName(
  taken: readonly ControllerRevision[],
  candidate: ControllerRevision,
  nameFor: (collisionCount: number) => string,
  collisionCount: number,
): { name: string; collisionCount: number; existing?: ControllerRevision } {
  for (let count = collisionCount; ; count++) {
    const name = nameFor(count);
    const existing = taken.find((r) => r.metadata.name === name);
    if (!existing) return { name, collisionCount: count };
    if (sameData(existing, candidate)) return { name, collisionCount: count, existing };
  }
}
