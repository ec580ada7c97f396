export { startControllerManager, type RunningControllerManager } from './server';
export { controllerManagerConfig, parseControllers, parseSeconds, type ControllerManagerAppConfig } from './config';
export { LEASE_NAME } from './controller-manager.service';
