export { startApiServer, type RunningApiServer } from './server';
export { apiServerConfig, type ApiServerConfig } from './config';
export type { InternalRequest, InternalReply } from './internal.controller';
