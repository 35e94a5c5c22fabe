import * as vscode from 'vscode';
import type { BackendType } from '../core/backends/traceBackend';
import type { BackendSettings } from '../core/backends/createBackend';
import type { ProxySupport } from '../core/http/proxy';
import { systemCertificates } from '../core/http/systemCertificates';
import { parseLookback } from '../core/stats/lookback';

/** `traceLens.*` settings, read fresh each time: VS Code caches configuration, so reads are cheap. */
export const SECTION = 'traceLens';

export interface BackendSettingsView {
  type: BackendType;
  url: string;
  tenant: string;
  headers: Record<string, string>;
  timeoutMs: number;
  caCertificate: string;
  /** `backend.maxResponseMB` in bytes: the HTTP client stops reading an answer past it. */
  maxResponseBytes: number;
  /** Jaeger's query gRPC endpoint for traces by id; empty: HTTP only. */
  jaegerGrpcUrl: string;
}

export interface LocalReceiverSettings {
  port: number;
  /** OTLP/gRPC port; 0 turns the gRPC receiver off. */
  grpcPort: number;
  maxSpans: number;
  /** Save received spans (redacted) in the workspace storage so they survive a reload. */
  persist: boolean;
}

const BACKEND_TYPES: readonly BackendType[] = ['local', 'tempo', 'jaeger', 'zipkin'];
/** `backend.maxResponseMB`: the manifest's default and bounds (a JavaScript string holds at most ~512 MiB). */
const MAX_RESPONSE_MB = { default: 256, min: 1, max: 512 };

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION);
}

export function readBackendSettings(): BackendSettingsView {
  const c = config();
  const type = c.get<string>('backend.type', 'local');
  const headers = c.get<Record<string, unknown>>('backend.headers', {}) ?? {};
  return {
    type: (BACKEND_TYPES as readonly string[]).includes(type) ? (type as BackendType) : 'local',
    url: (c.get<string>('backend.url', '') ?? '').trim(),
    tenant: (c.get<string>('backend.tenant', '') ?? '').trim(),
    // Only string values make sense as header values; anything else in settings.json is ignored.
    headers: Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => typeof e[1] === 'string')),
    timeoutMs: Math.max(1000, c.get<number>('backend.timeoutMs', 30_000) ?? 30_000),
    caCertificate: c.get<string>('backend.caCertificate', '') ?? '',
    maxResponseBytes: clampInteger(c.get<number>('backend.maxResponseMB'), MAX_RESPONSE_MB) * 1024 * 1024,
    jaegerGrpcUrl: (c.get<string>('backend.jaegerGrpcUrl', '') ?? '').trim(),
  };
}

/** A numeric setting as an integer within its bounds; anything unusable (text, NaN) gives the default. */
function clampInteger(value: unknown, bounds: { default: number; min: number; max: number }): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return bounds.default;
  return Math.min(bounds.max, Math.max(bounds.min, Math.floor(value)));
}

/** A hand-edited settings.json can hold anything: only a whole number 1–65535 is a port. */
function validPort(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535 ? value : undefined;
}

export function readLocalReceiverSettings(): LocalReceiverSettings {
  const c = config();
  return {
    port: validPort(c.get<unknown>('local.port')) ?? 4318,
    grpcPort: c.get<unknown>('local.grpcPort') === 0 ? 0 : (validPort(c.get<unknown>('local.grpcPort')) ?? 4317),
    maxSpans: Math.max(1000, c.get<number>('local.maxSpans', 200_000) ?? 200_000),
    persist: c.get<unknown>('local.persist') !== false,
  };
}

/** VS Code's network settings as the backend clients take them (see BackendSettings). */
export type NetworkSettings = Pick<BackendSettings, 'proxy' | 'noProxy' | 'proxySupport' | 'proxyStrictSSL' | 'proxyAuthorization' | 'systemCertificates'>;

const PROXY_SUPPORT: readonly ProxySupport[] = ['off', 'on', 'fallback', 'override'];
/** VS Code's settings that readNetworkSettings reads: a change to any rebuilds the backend client. */
const HTTP_SETTINGS = ['http.proxy', 'http.noProxy', 'http.proxySupport', 'http.proxyStrictSSL', 'http.proxyAuthorization', 'http.systemCertificates'];

/**
 * VS Code's own network settings, which the backend clients honour before the environment's: the
 * proxy and its exceptions, authentication and certificate checking, and the OS's certificates.
 */
export function readNetworkSettings(): NetworkSettings {
  const http = vscode.workspace.getConfiguration('http');
  const proxy = (http.get<string>('proxy', '') ?? '').trim();
  const noProxy = (http.get<string[]>('noProxy', []) ?? []).filter((h) => typeof h === 'string' && h.trim());
  const support = http.get<string>('proxySupport');
  const authorization = http.get<unknown>('proxyAuthorization');
  return {
    proxy: proxy || undefined,
    noProxy: noProxy.length ? noProxy.join(',') : undefined,
    proxySupport: (PROXY_SUPPORT as readonly (string | undefined)[]).includes(support) ? (support as ProxySupport) : undefined,
    proxyStrictSSL: http.get<unknown>('proxyStrictSSL') !== false,
    proxyAuthorization: typeof authorization === 'string' && authorization.trim() ? authorization.trim() : undefined,
    systemCertificates: http.get<unknown>('systemCertificates') !== false ? systemCertificates() : undefined,
  };
}

export function affectsBackend(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(`${SECTION}.backend`) || HTTP_SETTINGS.some((s) => e.affectsConfiguration(s));
}

export function affectsLocalReceiver(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(`${SECTION}.local`) || e.affectsConfiguration(`${SECTION}.backend.type`);
}

/** Where a setting is changed from a command: the workspace when one is open, else the user settings. */
export async function updateSetting(key: string, value: unknown, target?: vscode.ConfigurationTarget): Promise<void> {
  const where = target ?? (vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
  await config().update(key, value, where);
}

export const BACKEND_LABELS: Record<BackendType, string> = {
  local: 'local',
  tempo: 'Tempo',
  jaeger: 'Jaeger',
  zipkin: 'Zipkin',
};

export const DEFAULT_LOOKBACK = '1h';

/**
 * `traceLens.lookback` in milliseconds, for statistics, searches and the live lint alike; an unusable
 * value falls back to the default and says why in `problem`.
 */
export function readLookback(): { ms: number; problem?: string } {
  const value = config().get<string>('lookback', DEFAULT_LOOKBACK) ?? DEFAULT_LOOKBACK;
  try {
    return { ms: parseLookback(String(value)) };
  } catch (err) {
    return { ms: parseLookback(DEFAULT_LOOKBACK), problem: err instanceof Error ? err.message : String(err) };
  }
}

/** The lookback window ending now: what searches and samples read. */
export function lookbackRange(now = Date.now()): { startMs: number; endMs: number } {
  return { startMs: now - readLookback().ms, endMs: now };
}
