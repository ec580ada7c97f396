// apps/v1 defaults (SetDefaults_Deployment), applied again here in case a stored object lacks them.

import { Deployment } from '../common/types';

export function withDefaults(d: Deployment): Deployment {
  const spec = d.spec;
  const type = spec.strategy?.type ?? 'RollingUpdate';
  const rollingUpdate = type === 'RollingUpdate' ? { maxSurge: spec.strategy?.rollingUpdate?.maxSurge ?? '25%', maxUnavailable: spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%' } : undefined;
  return {
    ...d,
    spec: {
      ...spec,
      replicas: spec.replicas ?? 1,
      strategy: { ...(spec.strategy ?? {}), type, ...(rollingUpdate ? { rollingUpdate } : {}) },
      revisionHistoryLimit: spec.revisionHistoryLimit ?? 10,
      progressDeadlineSeconds: spec.progressDeadlineSeconds ?? 600,
    },
  };
}
