import { containerFor } from './proxy';

describe('the container a pods/log or pods/exec request means', () => {
  const pod = { spec: { containers: [{ name: 'nginx' }, { name: 'sidecar' }], initContainers: [{ name: 'setup' }] } };

  it.each([
    ['named', 'sidecar', 'sidecar'],
    ['an init container, named', 'setup', 'setup'],
  ])('given %s then it is that one', (_name, asked, expected) => {
    expect(containerFor('web', pod, asked)).toBe(expected);
  });

  it('given none named and one container then it is that one', () => {
    expect(containerFor('web', { spec: { containers: [{ name: 'only' }] } }, null)).toBe('only');
  });

  it.each([
    ['none named among several', null, 'a container name must be specified for pod web, choose one of: [nginx sidecar] or one of the init containers: [setup]'],
    ['one not in the pod', 'nope', 'container nope is not valid for pod web'],
  ])('given %s then it is a BadRequest in Kubernetes\' words', (_name, asked, message) => {
    expect(() => containerFor('web', pod, asked)).toThrow(expect.objectContaining({ code: 400, message }));
  });
});
