export { startIngressController, type RunningIngressController } from './server';
export { ingressControllerConfig, nginxNamespace, publishedAddress, DEFAULT_CONTROLLER_NAME, type IngressControllerConfig } from './config';
export { childrenOf } from './nginx-process';
