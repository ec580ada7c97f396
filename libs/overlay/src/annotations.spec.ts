import type { KubeObject } from '@keelson/apimachinery';
import { BACKEND_DATA_ANNOTATION, BACKEND_TYPE_ANNOTATION, overlayAnnotations, overlayAnnotationsCurrent, parseOverlayAnnotations, peerFromNode, PUBLIC_IP_ANNOTATION, vtepMacFor } from './annotations';

describe('overlay annotations', () => {
  it('given a VTEP then the annotations carry flannel names and values', () => {
    expect(overlayAnnotations({ vtepMac: '0E:5C:00:11:22:33', publicIP: '172.31.0.2' })).toEqual({
      'flannel.alpha.coreos.com/backend-type': 'vxlan',
      'flannel.alpha.coreos.com/backend-data': '{"VNI":1,"VtepMAC":"0e:5c:00:11:22:33"}',
      'flannel.alpha.coreos.com/public-ip': '172.31.0.2',
      'flannel.alpha.coreos.com/kube-subnet-manager': 'true',
    });
  });

  it('given built annotations when parsed then the same VTEP comes back', () => {
    const built = overlayAnnotations({ vtepMac: '0e:5c:00:11:22:33', publicIP: '172.31.0.2' });
    expect(parseOverlayAnnotations(built)).toEqual({ vtepMac: '0e:5c:00:11:22:33', publicIP: '172.31.0.2', vni: 1 });
    expect(overlayAnnotationsCurrent({ other: 'x', ...built }, { vtepMac: '0e:5c:00:11:22:33', publicIP: '172.31.0.2' })).toBe(true);
    expect(overlayAnnotationsCurrent(built, { vtepMac: '0e:5c:00:11:22:33', publicIP: '172.31.0.9' })).toBe(false);
  });

  const good = overlayAnnotations({ vtepMac: '0e:5c:00:11:22:33', publicIP: '172.31.0.2' });
  it.each<[string, Record<string, string> | undefined]>([
    ['no annotations', undefined],
    ['another backend', { ...good, [BACKEND_TYPE_ANNOTATION]: 'host-gw' }],
    ['backend-data that is not JSON', { ...good, [BACKEND_DATA_ANNOTATION]: '{' }],
    ['a malformed MAC', { ...good, [BACKEND_DATA_ANNOTATION]: '{"VNI":1,"VtepMAC":"0e:5c"}' }],
    ['no public IP', { [BACKEND_TYPE_ANNOTATION]: 'vxlan', [BACKEND_DATA_ANNOTATION]: good[BACKEND_DATA_ANNOTATION] }],
  ])('given %s then there is no VTEP to read', (_, annotations) => {
    expect(parseOverlayAnnotations(annotations)).toBeUndefined();
  });

  it('given a node name then its VTEP MAC is stable, locally administered and unicast, and differs per node', () => {
    const mac = vtepMacFor('keelson-node-1');
    expect(vtepMacFor('keelson-node-1')).toBe(mac);
    expect(vtepMacFor('keelson-node-2')).not.toBe(mac);
    expect(mac).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    const first = parseInt(mac.slice(0, 2), 16);
    expect(first & 0x02).toBe(0x02);
    expect(first & 0x01).toBe(0);
  });

  it('given a Node with podCIDR and annotations then it is a peer; without its podCIDR it is not yet', () => {
    const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'b', annotations: good }, spec: { podCIDR: '10.244.2.0/24' } };
    expect(peerFromNode(node)).toEqual({ name: 'b', podCIDR: '10.244.2.0/24', nodeAddress: '172.31.0.2', vtepMac: '0e:5c:00:11:22:33' });
    expect(peerFromNode({ ...node, spec: {} })).toBeUndefined();
    expect(peerFromNode({ ...node, metadata: { name: 'b', annotations: { ...good, [PUBLIC_IP_ANNOTATION]: '' } } })).toBeUndefined();
  });
});
