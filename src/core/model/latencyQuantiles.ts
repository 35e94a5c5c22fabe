import type { CodeLocationKey } from './codeLocationKey';

/** Latency quantiles of one code location as a server computed them (Tempo's TraceQL metrics, Jaeger's SPM). */
export interface LatencyQuantiles {
  location: CodeLocationKey;
  count?: number;
  errorCount?: number;
  /** Seconds. */
  p50?: number;
  p95?: number;
  p99?: number;
  /** True when the server approximated the quantiles (Tempo's power-of-two buckets). */
  approximate: boolean;
  /** The service of a per-operation row (Jaeger SPM), so sampled spans can map it to code. */
  service?: string;
  /** True when the count is derived from a rate (Prometheus extrapolates `rate` to the window's edges). */
  countApproximate?: boolean;
  /** How the server computed the quantiles; absent = Tempo's power-of-two buckets. */
  method?: 'prometheus-histogram' | 'tempo-buckets';
  /** Prometheus histogram: the widest bucket's relative width (0.1 = 10 %), when known. */
  bucketRelativeWidth?: number;
}
