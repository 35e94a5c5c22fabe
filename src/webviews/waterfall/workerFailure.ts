import { TraceLensError } from '../../core/errors';

/** A failure inside a worker as it crosses to the host: the user's sentence, more for the log, the error's name. */
export interface WorkerFailure { message: string; detail?: string; errorName: string }

export function describeWorkerFailure(err: unknown): WorkerFailure {
  const message = err instanceof TraceLensError ? err.userMessage : err instanceof Error ? err.message : String(err);
  const detail = err instanceof TraceLensError ? err.detail : undefined;
  return { message, detail, errorName: err instanceof Error ? err.name : 'Error' };
}
