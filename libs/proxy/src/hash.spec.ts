import { sepChain, svcChain, hashBase32 } from './hash';

describe('Kubernetes chain names', () => {
  // Names taken from kube-proxy's own proxier_test.go expectations.
  it.each([
    ['ns1/svc1:p80', 'tcp', 'KUBE-SVC-XPGD46QRK7WJZT7O'],
    ['ns2/svc2:p80', 'tcp', 'KUBE-SVC-GNZBNJ2PO5MGZ6GT'],
  ])('given service port %s/%s, the service chain is %s', (spn, proto, chain) => {
    expect(svcChain(spn, proto)).toBe(chain);
  });

  it('given an endpoint, its chain hashes service port, protocol and ip:port together', () => {
    expect(sepChain('ns1/svc1:p80', 'tcp', '10.180.0.1:80')).toBe('KUBE-SEP-SXIVWICOYRO3J4NJ');
  });

  it('given any name, the hash uses only the base32 alphabet and a shorter hash is a prefix of a longer one', () => {
    expect(hashBase32('x', 16)).toMatch(/^[A-Z2-7]{16}$/);
    expect(hashBase32('x', 8)).toBe(hashBase32('x', 16).slice(0, 8));
  });
});
