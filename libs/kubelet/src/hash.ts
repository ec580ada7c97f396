// A container's spec hash, stored with the container when it is created and compared on
// every sync: a different hash means the spec changed and the container is restarted.
// Resources are left out, as Kubernetes does since in-place resize: changing them must not
// restart the container by itself.
import { createHash } from 'node:crypto';
import stableStringify from 'fast-json-stable-stringify';
import type { Container } from './types';

export function containerHash(container: Container): string {
  const { resources: _r, resizePolicy: _p, ...rest } = container;
  return createHash('sha256').update(stableStringify(rest)).digest('hex').slice(0, 16);
}
