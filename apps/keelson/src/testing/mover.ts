// The Deployment the node-loss e2e specs move between nodes: busybox pods spread over the
// nodes, tolerating a not-ready or unreachable node for only 5 s instead of the default 300 s,
// so a spec waits the node grace period and 5 s more.

export function moverDeployment(replicas: number): object {
  const toleration = (key: string) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'mover' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'mover' } },
      template: {
        metadata: { labels: { app: 'mover' } },
        spec: {
          tolerations: [toleration('node.kubernetes.io/unreachable'), toleration('node.kubernetes.io/not-ready')],
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'mover' } } }],
          terminationGracePeriodSeconds: 1,
          containers: [{ name: 'sleep', image: 'busybox', command: ['sleep', '3600'] }],
        },
      },
    },
  };
}
