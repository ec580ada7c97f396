import { statusUpdates } from './status';
import { ingress } from './testing';
import type { Ingress } from './types';

const ours = [{ ip: '172.31.0.101' }];
const withStatus = (name: string, addresses: { ip: string }[]): Ingress => ({ ...ingress(name), status: { loadBalancer: { ingress: addresses } } });

describe('Ingress status', () => {
  it('publishes our address on a served Ingress that lacks it', () => {
    expect(statusUpdates([ingress('new')], new Set(['default/new']), ours)).toEqual([{ namespace: 'default', name: 'new', ingress: ours }]);
  });

  it('does nothing when every served Ingress already shows our address', () => {
    expect(statusUpdates([withStatus('a', ours)], new Set(['default/a']), ours)).toEqual([]);
  });

  it('takes our address off an Ingress it no longer serves, and leaves another controller\'s alone', () => {
    const list = [withStatus('was-ours', ours), withStatus('theirs', [{ ip: '10.0.0.1' }]), ingress('never')];
    expect(statusUpdates(list, new Set(), ours)).toEqual([{ namespace: 'default', name: 'was-ours', ingress: null }]);
  });
});
