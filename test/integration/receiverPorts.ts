// The runner (test/runner/hostSuite.ts) gives each run free receiver ports, written into its copy of
// the workspace's settings and passed here, so two runs on one machine never meet on a fixed port.
function port(name: string): number {
  const value = Number(process.env[name]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} is not set: run the suite through test/runner/hostSuite.ts`);
  return value;
}

/** The built-in receiver's OTLP/HTTP base URL in this run. */
export const RECEIVER = `http://127.0.0.1:${port('TRACE_LENS_TEST_HTTP_PORT')}`;
/** Its OTLP/gRPC endpoint in this run. */
export const GRPC_RECEIVER = `http://127.0.0.1:${port('TRACE_LENS_TEST_GRPC_PORT')}`;
