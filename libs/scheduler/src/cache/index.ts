export * from './cluster-objects';
export * from './scheduler-cache';
export * from './snapshot';
