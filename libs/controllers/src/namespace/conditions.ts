// The five NamespaceDeletion* conditions `kubectl describe namespace` shows while a namespace
// terminates. Discovery and parsing cannot fail here (the shell reads the registry), so those
// two are always False; ContentFailure too, since a failed delete is retried on requeue.

import type { KubeObject } from '@keelson/apimachinery';
import { wireTime } from '../common/types';

export interface NamespaceCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

interface Content {
  readonly group: string;
  readonly plural: string;
  readonly objects: readonly KubeObject[];
}

const resourceName = (c: Content) => `${c.plural}.${c.group}`;

export function namespaceConditions(old: readonly NamespaceCondition[], remaining: readonly Content[], now: Date): NamespaceCondition[] {
  const counts = remaining.map((c) => `${resourceName(c)} has ${c.objects.length} resource instances`);
  const finalizerCounts = new Map<string, number>();
  for (const c of remaining) for (const o of c.objects) for (const f of o.metadata.finalizers ?? []) finalizerCounts.set(f, (finalizerCounts.get(f) ?? 0) + 1);
  const finalizers = [...finalizerCounts].sort(([a], [b]) => a.localeCompare(b)).map(([f, n]) => `${f} in ${n} resource instances`);

  const next: Omit<NamespaceCondition, 'lastTransitionTime'>[] = [
    { type: 'NamespaceDeletionDiscoveryFailure', status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
    { type: 'NamespaceDeletionGroupVersionParsingFailure', status: 'False', reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
    { type: 'NamespaceDeletionContentFailure', status: 'False', reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
    counts.length
      ? { type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${counts.join(', ')}` }
      : { type: 'NamespaceContentRemaining', status: 'False', reason: 'ContentRemoved', message: 'All content successfully removed' },
    finalizers.length
      ? { type: 'NamespaceFinalizersRemaining', status: 'True', reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${finalizers.join(', ')}` }
      : { type: 'NamespaceFinalizersRemaining', status: 'False', reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
  ];
  return next.map((c) => {
    const before = old.find((o) => o.type === c.type);
    // Kubernetes keeps lastTransitionTime while the status stays the same.
    const since = before && before.status === c.status && before.lastTransitionTime ? before.lastTransitionTime : wireTime(now);
    return { type: c.type, status: c.status, lastTransitionTime: since, reason: c.reason, message: c.message };
  });
}
