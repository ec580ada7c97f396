// `status.loadBalancer.ingress` of the Ingresses this controller serves: the address where its
// nginx listens, as ingress-nginx publishes its own. An Ingress it stops serving (another class,
// deleted class) loses the address again, but only if the address there is ours — another
// controller may have written its own since.
import isEqual from 'fast-deep-equal';
import { keyOf, type Ingress, type LoadBalancerIngress } from './types';

export interface StatusUpdate {
  readonly namespace: string;
  readonly name: string;
  /** null: remove the addresses */
  readonly ingress: readonly LoadBalancerIngress[] | null;
}

export function statusUpdates(ingresses: readonly Ingress[], served: ReadonlySet<string>, ours: readonly LoadBalancerIngress[]): StatusUpdate[] {
  const out: StatusUpdate[] = [];
  for (const ing of ingresses) {
    if (ing.metadata.deletionTimestamp) continue;
    const have = ing.status?.loadBalancer?.ingress ?? [];
    const at = { namespace: ing.metadata.namespace ?? 'default', name: ing.metadata.name ?? '' };
    if (served.has(keyOf(ing))) {
      if (!isEqual(have, ours)) out.push({ ...at, ingress: ours });
    } else if (have.length > 0 && isEqual(have, ours)) {
      out.push({ ...at, ingress: null });
    }
  }
  return out;
}
