export * from './backoff';
export * from './events';
export * from './heap';
export * from './scheduling-queue';
