export * from './endpoints';
export * from './slices';
export * from './reconcile';
