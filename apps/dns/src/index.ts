export { startDns, type RunningDns } from './server';
export { dnsAppConfig, parseListen, UNDERLAY_HOST, type DnsAppConfig, type Listen } from './config';
