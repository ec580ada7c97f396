// @keelson/patch — the four ways kubectl changes an object, as pure functions on plain JSON.
// None of them mutates its inputs; all fail with Kubernetes StatusErrors.
//
//   applyJsonPatch(obj, ops)                   application/json-patch+json (RFC 6902)
//   applyMergePatch(obj, patch)                application/merge-patch+json (RFC 7386)
//   applyStrategicMergePatch(obj, patch, meta) application/strategic-merge-patch+json
//   serverSideApply({ live, applied, manager, force, apiVersion, now, meta?, subresource? })
//                                              application/apply-patch+yaml (409 on conflicts)
//   recordUpdate({ old, updated, manager, apiVersion, now, subresource?, meta? })
//                                              managedFields for create/update/other patches
//
// Field metadata (merge keys, patch strategies, list types) comes from `PatchMeta`:
// `patchMetaFor(group, kind)` for the built-in kinds, or `patchMetaFromTypes(table, root)`
// for a table built from another source (e.g. OpenAPI x-kubernetes-* extensions).

export { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from './json-patch';
export { applyMergePatch } from './merge-patch';
export { applyStrategicMergePatch } from './strategic-merge-patch';
export { serverSideApply, BEFORE_FIRST_APPLY } from './apply/server-side-apply';
export type { ServerSideApplyArgs } from './apply/server-side-apply';
export { recordUpdate } from './apply/record-update';
export type { RecordUpdateArgs } from './apply/record-update';
export { patchMetaFor, KUBERNETES_TYPES } from './meta/kubernetes-types';
export { patchMetaFromTypes, UNKNOWN as UNKNOWN_PATCH_META } from './meta/patch-meta';
export type { PatchMeta, PatchStrategy, FieldDescriptor, TypeTable } from './meta/patch-meta';
