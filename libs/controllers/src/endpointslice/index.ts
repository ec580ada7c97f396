export * from './slices';
export * from './reconcile';
