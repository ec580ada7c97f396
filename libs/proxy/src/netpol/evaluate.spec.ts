import { allowed } from './evaluate';
import type { NetworkPolicy, NetworkPolicyIngressRule } from './types';
import { CLIENT, DB, denyAllIngress, DEV_AGENT, NAMESPACES, OTHER, OUTSIDE, OUTSIDE_EXCEPTED, PODS, policy, PROD_AGENT, WEB } from './world';

const webFrom = (from: NetworkPolicyIngressRule['from'], ports?: NetworkPolicyIngressRule['ports']) =>
  policy('default', 'web-in', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from, ...(ports ? { ports } : {}) }] });
const clientOnly80 = webFrom([{ podSelector: { matchLabels: { role: 'client' } } }], [{ port: 80 }]);

// [behaviour, policies, from, to, port, protocol, expected]
const cases: [string, NetworkPolicy[], string, string, number, string, boolean][] = [
  ['no policy: everything is open', [], CLIENT, WEB, 80, 'TCP', true],
  ['default deny ingress: a selected pod is closed', [denyAllIngress], CLIENT, WEB, 80, 'TCP', false],
  ['default deny ingress does not close egress', [denyAllIngress], WEB, OUTSIDE, 443, 'TCP', true],
  ['a policy in another namespace does not isolate', [policy('prod', 'deny', { podSelector: {}, policyTypes: ['Ingress'] })], CLIENT, WEB, 80, 'TCP', true],
  ['a policy that selects other pods leaves this one open', [policy('default', 'db-only', { podSelector: { matchLabels: { app: 'db' } }, ingress: [] })], CLIENT, WEB, 80, 'TCP', true],
  ['deny plus a re-opening policy: the labelled client on the port is allowed', [denyAllIngress, clientOnly80], CLIENT, WEB, 80, 'TCP', true],
  ['deny plus re-opening: another port stays closed', [denyAllIngress, clientOnly80], CLIENT, WEB, 81, 'TCP', false],
  ['deny plus re-opening: UDP on the same port stays closed', [denyAllIngress, clientOnly80], CLIENT, WEB, 80, 'UDP', false],
  ['deny plus re-opening: an unlabelled client stays closed', [denyAllIngress, clientOnly80], OTHER, WEB, 80, 'TCP', false],
  ['policies add up: a second policy opens another port', [clientOnly80, webFrom([{ podSelector: { matchLabels: { role: 'other' } } }], [{ port: 81 }])], OTHER, WEB, 81, 'TCP', true],
  ['an empty rule allows everything to the selected pod', [policy('default', 'all', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{}] })], OUTSIDE, WEB, 1, 'UDP', true],
  ['podSelector alone matches only the policy namespace', [webFrom([{ podSelector: { matchLabels: { app: 'agent' } } }])], PROD_AGENT, WEB, 80, 'TCP', false],
  ['namespaceSelector alone admits every pod of the selected namespace', [webFrom([{ namespaceSelector: { matchLabels: { team: 'a' } } }])], PROD_AGENT, WEB, 80, 'TCP', true],
  ['namespaceSelector alone: unselected namespace is refused', [webFrom([{ namespaceSelector: { matchLabels: { team: 'a' } } }])], DEV_AGENT, WEB, 80, 'TCP', false],
  ['empty namespaceSelector selects all namespaces', [webFrom([{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'agent' } } }])], DEV_AGENT, WEB, 80, 'TCP', true],
  ['namespaceSelector and podSelector together are ANDed: right ns, wrong pod', [webFrom([{ namespaceSelector: { matchLabels: { team: 'a' } }, podSelector: { matchLabels: { app: 'nope' } } }])], PROD_AGENT, WEB, 80, 'TCP', false],
  ['namespaceSelector and podSelector together are ANDed: both hold', [webFrom([{ namespaceSelector: { matchLabels: { team: 'a' } }, podSelector: { matchLabels: { app: 'agent' } } }])], PROD_AGENT, WEB, 80, 'TCP', true],
  ['two peers are ORed', [webFrom([{ namespaceSelector: { matchLabels: { team: 'b' } } }, { podSelector: { matchLabels: { role: 'client' } } }])], DEV_AGENT, WEB, 80, 'TCP', true],
  ['matchExpressions NotIn', [webFrom([{ podSelector: { matchExpressions: [{ key: 'role', operator: 'NotIn', values: ['client'] }] } }])], OTHER, WEB, 80, 'TCP', true],
  ['matchExpressions NotIn refuses the excluded value', [webFrom([{ podSelector: { matchExpressions: [{ key: 'role', operator: 'NotIn', values: ['client'] }] } }])], CLIENT, WEB, 80, 'TCP', false],
  ['ipBlock admits an address inside the CIDR', [webFrom([{ ipBlock: { cidr: '192.168.5.0/24', except: ['192.168.5.64/26'] } }])], OUTSIDE, WEB, 80, 'TCP', true],
  ['ipBlock except refuses an address in the exception', [webFrom([{ ipBlock: { cidr: '192.168.5.0/24', except: ['192.168.5.64/26'] } }])], OUTSIDE_EXCEPTED, WEB, 80, 'TCP', false],
  ['ipBlock matches pod addresses too', [webFrom([{ ipBlock: { cidr: '10.244.1.12/32' } }])], CLIENT, WEB, 80, 'TCP', true],
  ['a pod selector does not match an outside address', [webFrom([{ podSelector: {} }])], OUTSIDE, WEB, 80, 'TCP', false],
  ['named port resolves on the receiving pod', [webFrom([], [{ port: 'http' }])], CLIENT, WEB, 8080, 'TCP', true],
  ['named port: the other container port is refused', [webFrom([], [{ port: 'http' }])], CLIENT, WEB, 9090, 'TCP', false],
  ['named port with the wrong protocol does not resolve', [webFrom([], [{ port: 'dns', protocol: 'TCP' }])], CLIENT, WEB, 53, 'TCP', false],
  ['named UDP port resolves with protocol UDP', [webFrom([], [{ port: 'dns', protocol: 'UDP' }])], CLIENT, WEB, 53, 'UDP', true],
  ['endPort: inside the range', [webFrom([], [{ port: 8000, endPort: 8100 }])], CLIENT, WEB, 8080, 'TCP', true],
  ['endPort: past the range', [webFrom([], [{ port: 8000, endPort: 8100 }])], CLIENT, WEB, 8101, 'TCP', false],
  ['a port with only a protocol admits every port of it', [webFrom([], [{ protocol: 'UDP' }])], CLIENT, WEB, 5353, 'UDP', true],
  ['a port with only a protocol refuses other protocols', [webFrom([], [{ protocol: 'UDP' }])], CLIENT, WEB, 5353, 'TCP', false],
  ['egress: default deny closes the sender', [policy('default', 'no-out', { podSelector: { matchLabels: { role: 'client' } }, policyTypes: ['Egress'] })], CLIENT, WEB, 80, 'TCP', false],
  ['egress: policyTypes default to Egress too when egress rules exist', [policy('default', 'out', { podSelector: { matchLabels: { role: 'client' } }, egress: [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }] }] })], CLIENT, WEB, 80, 'TCP', false],
  ['egress: ... and such a policy also isolates ingress', [policy('default', 'out', { podSelector: { matchLabels: { role: 'client' } }, egress: [{}] })], OTHER, CLIENT, 80, 'TCP', false],
  ['egress to the allowed pod passes', [policy('default', 'out', { podSelector: { matchLabels: { role: 'client' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }], ports: [{ port: 'pg' }] }] })], CLIENT, DB, 5432, 'TCP', true],
  ['egress named port resolves on the destination pod', [policy('default', 'out', { podSelector: { matchLabels: { role: 'client' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'pg' }] }] })], CLIENT, WEB, 5432, 'TCP', false],
  ['egress to an ipBlock passes for an outside address', [policy('default', 'out', { podSelector: { matchLabels: { role: 'client' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '192.168.0.0/16' } }] }] })], CLIENT, OUTSIDE, 443, 'TCP', true],
  ['both ends count: egress allowed but the receiver denies', [denyAllIngress, policy('default', 'out', { podSelector: { matchLabels: { role: 'client' } }, policyTypes: ['Egress'], egress: [{}] })], CLIENT, WEB, 80, 'TCP', false],
];

describe('NetworkPolicy evaluation (the oracle)', () => {
  it.each(cases)('%s', (_name, policies, from, to, port, protocol, expected) => {
    expect(allowed(policies, PODS, NAMESPACES, from, to, port, protocol)).toBe(expected);
  });
});
