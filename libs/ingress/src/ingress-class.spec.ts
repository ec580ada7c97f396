import { servedIngresses } from './ingress-class';
import { CONTROLLER, ingress, ingressClass, rule, path } from './testing';

const names = (list: { metadata: { name?: string } }[]) => list.map((i) => i.metadata.name);
const rules = [rule('a.example.com', path('/', 'Prefix', 'svc'))];

describe('which Ingresses the controller serves', () => {
  const ours = ingressClass('keelson');
  const theirs = ingressClass('nginx', { controller: 'k8s.io/ingress-nginx' });

  it('serves an Ingress whose ingressClassName is a class of our controller', () => {
    expect(names(servedIngresses([ingress('a', { className: 'keelson', rules })], [ours, theirs], CONTROLLER))).toEqual(['a']);
  });

  it("does not serve another controller's class, nor a class that does not exist", () => {
    const list = [ingress('theirs', { className: 'nginx', rules }), ingress('missing', { className: 'gone', rules })];
    expect(servedIngresses(list, [ours, theirs], CONTROLLER)).toEqual([]);
  });

  it('serves an Ingress without class only when one of our classes is the default', () => {
    const classless = { ...ingress('plain', { rules }), spec: { rules } };
    expect(servedIngresses([classless], [ours, theirs], CONTROLLER)).toEqual([]);
    expect(names(servedIngresses([classless], [ingressClass('keelson', { isDefault: true }), theirs], CONTROLLER))).toEqual(['plain']);
    // Another controller's default does not make it ours.
    expect(servedIngresses([classless], [ours, ingressClass('nginx', { controller: 'k8s.io/ingress-nginx', isDefault: true })], CONTROLLER)).toEqual([]);
  });

  it('reads the deprecated kubernetes.io/ingress.class annotation when ingressClassName is unset', () => {
    const annotated = (cls: string) => ({ ...ingress(cls, { rules, annotations: { 'kubernetes.io/ingress.class': cls } }), spec: { rules } });
    expect(names(servedIngresses([annotated('keelson'), annotated('nginx')], [ingressClass('keelson'), theirs], CONTROLLER))).toEqual(['keelson']);
    // An explicit other class in the annotation beats our default.
    expect(servedIngresses([annotated('nginx')], [ingressClass('keelson', { isDefault: true }), theirs], CONTROLLER)).toEqual([]);
  });

  it('lists them oldest first, and leaves out Ingresses being deleted', () => {
    const young = ingress('young', { created: '2026-03-01T00:00:00Z', rules });
    const old = ingress('old', { created: '2026-01-01T00:00:00Z', rules });
    const going = ingress('going', { rules });
    going.metadata.deletionTimestamp = '2026-04-01T00:00:00Z';
    expect(names(servedIngresses([young, going, old], [ours], CONTROLLER))).toEqual(['old', 'young']);
  });
});
