export * from './annotations';
export * from './cidr';
export * from './masquerade';
export * from './node-network-status';
export * from './peers';
export * from './readiness';
export * from './reconcile-pod-cidrs';
export * from './vxlan';
