import { deployment, replicaSet } from '../common/test-fixtures';
import { rolloutUndoPatch } from './rollback';
import { podTemplateHash, templateWithHash } from './template';

describe('rolloutUndoPatch (what kubectl rollout undo sends)', () => {
  const current = deployment('web', 2, { image: 'nginx:2', annotations: { 'deployment.kubernetes.io/revision': '2', 'kubernetes.io/change-cause': 'v2' } });
  const rsOf = (image: string, revision: number, cause: string) => {
    const t = deployment('web', 2, { image }).spec.template;
    const hash = podTemplateHash(t);
    return replicaSet(`web-${hash}`, 0, { template: templateWithHash(t, hash), annotations: { 'deployment.kubernetes.io/revision': String(revision), 'kubernetes.io/change-cause': cause } });
  };
  const history = [rsOf('nginx:1', 1, 'v1'), rsOf('nginx:2', 2, 'v2')];

  it('replacesTemplateAndAnnotationsWithThePreviousRevision', () => {
    expect(rolloutUndoPatch(current, history)).toEqual({
      patch: [
        { op: 'replace', path: '/spec/template', value: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1' }] } } },
        { op: 'replace', path: '/metadata/annotations', value: { 'deployment.kubernetes.io/revision': '2', 'kubernetes.io/change-cause': 'v1' } },
      ],
    });
  });

  it('skipsWhenTheRevisionIsTheCurrentTemplate', () => {
    expect(rolloutUndoPatch(current, history, 2)).toEqual({ skipped: 'skipped rollback (current template already matches revision 2)' });
  });

  it('refusesAPausedDeploymentAndAMissingRevision', () => {
    expect(rolloutUndoPatch({ ...current, spec: { ...current.spec, paused: true } }, history)).toHaveProperty('error');
    expect(rolloutUndoPatch(current, history, 7)).toEqual({ error: 'unable to find specified revision 7 in history' });
  });
});
