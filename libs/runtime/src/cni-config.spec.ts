import { gatewayOf } from './cni';
import { cniEnv, ipamDataDir, pluginCommand, pluginsFor, pluginStdin, podIPv4, podNetworkConflist, LOOPBACK_CONF } from './cni-config';

describe('podNetworkConflist', () => {
  const list = podNetworkConflist({ podCIDR: '10.244.1.0/24', stateDir: '/var/lib/keelson/node-1' });

  it('given a node podCIDR then bridge cni0 hands out addresses from it with host-local under the state dir', () => {
    expect(list).toEqual({
      cniVersion: '1.0.0',
      name: 'keelson',
      plugins: [
        {
          type: 'bridge',
          bridge: 'cni0',
          isGateway: true,
          ipMasq: true,
          hairpinMode: true,
          ipam: { type: 'host-local', ranges: [[{ subnet: '10.244.1.0/24' }]], routes: [{ dst: '0.0.0.0/0' }], dataDir: '/var/lib/keelson/node-1/cni/networks' },
        },
        { type: 'portmap', capabilities: { portMappings: true }, snat: true },
      ],
    });
    expect(ipamDataDir('/s')).toBe('/s/cni/networks');
  });

  it('given an MTU and ipMasq off (overlay masquerades itself) then the bridge carries them', () => {
    const custom = podNetworkConflist({ podCIDR: '10.244.2.0/24', stateDir: '/s', mtu: 1450, ipMasq: false, bridge: 'kbr0' });
    expect(custom.plugins[0]).toMatchObject({ bridge: 'kbr0', mtu: 1450, ipMasq: false });
  });
});

describe('pluginStdin', () => {
  const list = podNetworkConflist({ podCIDR: '10.244.1.0/24', stateDir: '/s' });
  const [bridge, portmap] = list.plugins;
  const mappings = { portMappings: [{ hostPort: 8080, containerPort: 80 }, { hostPort: 5353, containerPort: 53, protocol: 'UDP' as const, hostIP: '172.31.0.1' }] };

  it('given the first plugin then it gets the network name and version, and no runtimeConfig it did not ask for', () => {
    const stdin = pluginStdin(list, bridge, mappings);
    expect(stdin).toMatchObject({ type: 'bridge', name: 'keelson', cniVersion: '1.0.0' });
    expect(stdin).not.toHaveProperty('runtimeConfig');
    expect(stdin).not.toHaveProperty('prevResult');
  });

  it('given portmap after bridge then it gets the port mappings (lower-case protocol) and the previous result', () => {
    const prev = { cniVersion: '1.0.0', ips: [{ address: '10.244.1.5/24' }] };
    expect(pluginStdin(list, portmap, mappings, prev)).toEqual({
      type: 'portmap',
      snat: true,
      name: 'keelson',
      cniVersion: '1.0.0',
      runtimeConfig: { portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }, { hostPort: 5353, containerPort: 53, protocol: 'udp', hostIP: '172.31.0.1' }] },
      prevResult: prev,
    });
  });

  it('given no port mappings then portmap still gets an empty list, as libcni sends it', () => {
    expect(pluginStdin(list, portmap, {})).toMatchObject({ runtimeConfig: { portMappings: [] } });
  });
});

describe('pluginsFor', () => {
  const list = podNetworkConflist({ podCIDR: '10.244.1.0/24', stateDir: '/s' });

  it('given a pod without hostPorts then portmap, a no-op for it, is not run', () => {
    expect(pluginsFor(list, {}).map((p) => p.type)).toEqual(['bridge']);
    expect(pluginsFor(list, { portMappings: [] }).map((p) => p.type)).toEqual(['bridge']);
  });

  it('given a hostPort then the whole chain runs', () => {
    expect(pluginsFor(list, { portMappings: [{ hostPort: 8080, containerPort: 80 }] }).map((p) => p.type)).toEqual(['bridge', 'portmap']);
  });
});

describe('cniEnv and pluginCommand', () => {
  it('given an ADD then the environment follows the CNI contract', () => {
    expect(cniEnv('ADD', 'abc123', '/proc/4242/ns/net')).toEqual({
      CNI_COMMAND: 'ADD',
      CNI_CONTAINERID: 'abc123',
      CNI_NETNS: '/proc/4242/ns/net',
      CNI_IFNAME: 'eth0',
      CNI_PATH: '/usr/lib/cni',
    });
  });

  it('given a node namespace then the plugin runs inside it; without one, directly', () => {
    expect(pluginCommand('bridge', 'keelson-node-2')).toEqual(['ip', ['netns', 'exec', 'keelson-node-2', '/usr/lib/cni/bridge']]);
    expect(pluginCommand('loopback', undefined)).toEqual(['/usr/lib/cni/loopback', []]);
    expect(LOOPBACK_CONF).toEqual({ cniVersion: '1.0.0', name: 'cni-loopback', type: 'loopback' });
  });
});

describe('podIPv4', () => {
  it.each([
    [{ cniVersion: '1.0.0', ips: [{ address: '10.244.1.7/24', gateway: '10.244.1.1', interface: 2 }] }, '10.244.1.7'],
    [{ cniVersion: '1.0.0', ips: [{ address: 'fd00::7/64' }, { address: '10.244.1.8/24' }] }, '10.244.1.8'],
    [{ cniVersion: '1.0.0' }, undefined],
  ])('given result %j then the pod IP is %p', (result, ip) => {
    expect(podIPv4(result)).toBe(ip);
  });
});

describe('gatewayOf', () => {
  it.each([
    ['10.244.1.0/24', '10.244.1.1/24'],
    ['10.244.255.0/24', '10.244.255.1/24'],
  ])('puts the bridge of %s on its first address, %s', (cidr, gw) => {
    expect(gatewayOf(cidr)).toBe(gw);
  });
});
