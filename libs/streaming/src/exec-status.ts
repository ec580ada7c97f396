// What the error stream (SPDY) or channel 3 (WebSocket) carries when an exec ends, as the
// kubelet writes it for protocol v4 and later: a meta/v1 Status, whose NonZeroExitCode reason
// and ExitCode cause kubectl turns into its own exit code ("command terminated with exit code 3").

export interface ExecStatus {
  readonly metadata: Record<string, never>;
  readonly status: 'Success' | 'Failure';
  readonly message?: string;
  readonly reason?: string;
  readonly details?: { readonly causes: readonly { readonly reason: string; readonly message: string }[] };
}

export function execStatus(command: readonly string[], exitCode: number): ExecStatus {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/** An exec that could not run at all (no such container, the runtime failed). */
export function execFailure(message: string): ExecStatus {
  return { metadata: {}, status: 'Failure', message, reason: 'InternalError' };
}

/**
 * The bytes for the error stream. v4+ decodes JSON; v2/v3 read the stream as an error message
 * and treat any text as a failure, so success is silence there.
 */
export function encodeStatus(status: ExecStatus, protocol: string): Buffer {
  if (protocol === 'v4.channel.k8s.io' || protocol === 'v5.channel.k8s.io') return Buffer.from(JSON.stringify(status));
  return Buffer.from(status.status === 'Success' ? '' : (status.message ?? 'error'));
}
