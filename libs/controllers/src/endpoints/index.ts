export * from './endpoints';
export * from './reconcile';
