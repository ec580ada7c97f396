// Device plugins (Kubernetes' deviceplugin v1beta1 over gRPC): the agent's device manager,
// its pure bookkeeping and checkpoint, and the plugin side for plugins written here.
export { API_VERSION, KUBELET_SOCKET, HEALTHY, UNHEALTHY, devicePluginApi } from './api';
export type { Device, ContainerAllocateResponse, RegisterRequest } from './api';
export * from './allocation';
export { CHECKPOINT_FILE, encodeCheckpoint, decodeCheckpoint, fnv1a32 } from './checkpoint';
export { DeviceManager, isExtendedResourceName } from './manager';
export type { ContainerDevices } from './manager';
export { serveDevicePlugin } from './plugin';
export type { DevicePluginServerOptions, RunningDevicePlugin } from './plugin';
