// @keelson/ingress: from Ingresses, IngressClasses, Services, EndpointSlices and TLS Secrets to
// an nginx configuration — which Ingresses are ours (ingress-class.ts), what each path and host
// means in nginx (matching.ts), the load balancer they describe (model.ts, backends.ts, tls.ts),
// its text (nginx-conf.ts) — plus what to write back (status.ts). No IO: apps/ingress-controller
// runs nginx.
export * from './types';
export * from './ingress-class';
export * from './matching';
export * from './backends';
export * from './tls';
export * from './model';
export * from './layout';
export * from './nginx-conf';
export * from './nginx-errors';
export * from './status';
