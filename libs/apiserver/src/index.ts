export * from './api';
export * from './context';
export * from './request-info';
export * from './store';
export * from './strategy';
export { createHttpHandler, transportErrorStatus, type HttpOptions } from './http/server';
export type { WatchEvent, WatchSink } from './handlers/watch';
export type { DeleteOptions } from './handlers/delete';
export type { PatchType } from './handlers/patch';
