export { startNodeAgent, type RunningNodeAgent } from './node-agent';
export { AgentHttpServer, type AgentHandler, type AgentUpgradeHandler } from './http-server';
export { nodeAgentDefaults, parseNodeAgentArgs, type NodeAgentConfig } from './config';
export { spawnNodeAgent, spawnNodeAgents, type AgentProcess, type AgentProcessOptions } from './agents';
