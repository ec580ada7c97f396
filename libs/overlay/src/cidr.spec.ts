import { allocatePodCIDR, parseCIDR, podCIDRAt, podCIDRIndex, podCIDRRange, PodCIDRRangeFull, releasePodCIDR, DEFAULT_RANGE } from './cidr';

describe('podCIDR allocation from 10.244.0.0/16', () => {
  it('given no nodes when allocating then the first /24 is handed out', () => {
    expect(allocatePodCIDR(new Map())).toBe('10.244.0.0/24');
  });

  it('given allocations with a hole when allocating then the lowest free /24 is handed out', () => {
    const existing = new Map([['a', '10.244.0.0/24'], ['b', '10.244.2.0/24']]);
    expect(allocatePodCIDR(existing)).toBe('10.244.1.0/24');
  });

  it('given 256 nodes allocated one after another then no /24 is handed out twice and the range is then full', () => {
    let existing = new Map<string, string>();
    let after: string | undefined;
    for (let i = 0; i < 256; i++) {
      after = allocatePodCIDR(existing, { after });
      existing = new Map(existing).set(`node-${i}`, after);
    }
    expect(new Set(existing.values()).size).toBe(256);
    expect(() => allocatePodCIDR(existing)).toThrow(PodCIDRRangeFull);
  });

  it('given a node released when allocating after the last one then the freed /24 is not reused at once', () => {
    const existing = new Map([['a', '10.244.0.0/24'], ['b', '10.244.1.0/24'], ['c', '10.244.2.0/24']]);
    const afterRelease = releasePodCIDR(existing, 'a');
    expect(allocatePodCIDR(afterRelease, { after: '10.244.2.0/24' })).toBe('10.244.3.0/24');
  });

  it('given a full range with one node released then its /24 is reused (wrapping around)', () => {
    const full = new Map(Array.from({ length: 256 }, (_, i) => [`n${i}`, podCIDRAt(DEFAULT_RANGE, i)] as [string, string]));
    const freed = releasePodCIDR(full, 'n7');
    expect(allocatePodCIDR(freed, { after: '10.244.255.0/24' })).toBe('10.244.7.0/24');
    expect(full.size).toBe(256); // release is pure: the input map is untouched
  });

  it('given allocations outside the range then they neither count nor break allocation', () => {
    const existing = new Map([['odd', '192.168.0.0/24'], ['a', '10.244.0.0/24']]);
    expect(allocatePodCIDR(existing)).toBe('10.244.1.0/24');
  });

  it.each([
    ['10.244.3.0/24', 3],
    ['10.244.255.0/24', 255],
    ['10.244.3.0/25', undefined], // wrong size
    ['10.244.3.128/24', undefined], // not a network address
    ['10.245.0.0/24', undefined], // outside the cluster CIDR
    ['10.244.3.0', undefined],
    ['garbage', undefined],
  ])('given %s then its index in the range is %s', (cidr, index) => {
    expect(podCIDRIndex(DEFAULT_RANGE, cidr)).toBe(index);
  });

  it('given a smaller cluster CIDR then the range holds 2^(24−prefix) node CIDRs', () => {
    const range = podCIDRRange('10.10.0.0/22');
    expect(range.size).toBe(4);
    expect(allocatePodCIDR(new Map([['a', '10.10.0.0/24']]), { range })).toBe('10.10.1.0/24');
  });

  it('given strict parsing then host bits set or bad octets are rejected', () => {
    expect(parseCIDR('10.244.0.0/16')).toEqual({ base: 0x0af40000, prefix: 16 });
    expect(parseCIDR('10.244.0.1/16')).toBeUndefined();
    expect(parseCIDR('10.244.0.256/32')).toBeUndefined();
  });
});
