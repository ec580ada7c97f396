export * from './types';
export * from './health';
export * from './eviction';
export * from './reconcile';
