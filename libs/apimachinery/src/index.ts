export * from './status';
export * from './object';
export * from './selectors';
export * from './copy';
export * from './ipv4';
