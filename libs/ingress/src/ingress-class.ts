// Which Ingresses this controller serves, as ingress-nginx decides it:
//
// 1. `spec.ingressClassName` names an IngressClass whose `spec.controller` is ours;
// 2. without it, the deprecated `kubernetes.io/ingress.class` annotation names one of our classes;
// 3. with neither, one of our classes is the cluster's default
//    (`ingressclass.kubernetes.io/is-default-class: "true"`).
//
// An Ingress naming a class that does not exist, or another controller's class, is not ours.
import type { Ingress, IngressClass } from './types';

export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
export const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

/** The IngressClasses handled by the controller called `controller` (e.g. `keelson.io/ingress-controller`). */
export function ourClasses(classes: readonly IngressClass[], controller: string): IngressClass[] {
  return classes.filter((c) => c.spec?.controller === controller);
}

export function isDefaultClass(c: IngressClass): boolean {
  return c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true';
}

export function isServed(ingress: Ingress, ours: readonly IngressClass[]): boolean {
  const names = new Set(ours.map((c) => c.metadata.name));
  const className = ingress.spec?.ingressClassName;
  if (className) return names.has(className);
  const legacy = ingress.metadata.annotations?.[LEGACY_CLASS_ANNOTATION];
  if (legacy !== undefined) return names.has(legacy);
  return ours.some(isDefaultClass);
}

/** The Ingresses served, oldest first (ties by namespace/name): the order in which conflicts are settled. */
export function servedIngresses(ingresses: readonly Ingress[], classes: readonly IngressClass[], controller: string): Ingress[] {
  const ours = ourClasses(classes, controller);
  return ingresses.filter((i) => !i.metadata.deletionTimestamp && isServed(i, ours)).sort(byAge);
}

export function byAge(a: Ingress, b: Ingress): number {
  const at = a.metadata.creationTimestamp ?? '';
  const bt = b.metadata.creationTimestamp ?? '';
  if (at !== bt) return at < bt ? -1 : 1;
  const ak = `${a.metadata.namespace}/${a.metadata.name}`;
  const bk = `${b.metadata.namespace}/${b.metadata.name}`;
  return ak < bk ? -1 : ak > bk ? 1 : 0;
}
