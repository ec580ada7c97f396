import { endpoints, hostnames, stickyNodePort } from './fixtures';
import { ServicePorts, servicePorts } from './model';

describe('ServicePorts, as the agent calls it with what its informers hold', () => {
  const services = [...hostnames.services, ...stickyNodePort.services];

  it('gives what servicePorts gives', () => {
    expect(new ServicePorts().ports(services, [...hostnames.endpoints, ...stickyNodePort.endpoints])).toEqual(servicePorts(services, [...hostnames.endpoints, ...stickyNodePort.endpoints]));
  });

  it("given one service's Endpoints object replaced, that service's port is new and the other's is the same object", () => {
    const cache = new ServicePorts();
    const before = cache.ports(services, [...hostnames.endpoints, ...stickyNodePort.endpoints]);
    const after = cache.ports(services, [endpoints('default', 'hostnames', ['10.244.1.9'], [{ name: 'default', port: 9376 }]), ...stickyNodePort.endpoints]);
    const byName = (ports: typeof before, name: string) => ports.find((p) => p.name === name);
    expect(byName(after, 'shop/web:http')).toBe(byName(before, 'shop/web:http'));
    expect(byName(after, 'default/hostnames:default')?.endpoints).toEqual([{ ip: '10.244.1.9', port: 9376 }]);
  });

  it('given the Endpoints of a service gone, its port has no endpoints', () => {
    const cache = new ServicePorts();
    cache.ports(services, [...hostnames.endpoints, ...stickyNodePort.endpoints]);
    expect(cache.ports(services, stickyNodePort.endpoints).find((p) => p.service === 'hostnames')?.endpoints).toEqual([]);
  });
});
