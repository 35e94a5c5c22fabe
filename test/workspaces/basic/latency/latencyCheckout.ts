// Fixture of test/integration/latency.test.ts and test/e2e/latency.test.ts: the spans those tests
// send carry code.* attributes that point at the functions below (and one literal span name).
declare const tracer: { startActiveSpan<T>(name: string, fn: () => T): T };

export function validateCart(items: string[]): boolean {
  const nonEmpty = items.length > 0; // validateCart span line
  return nonEmpty;
}

export function priceItems(items: string[]): number {
  let total = 0;
  for (const item of items) total += item.length; // priceItems span line
  return total;
}

export function idleHelper(): void {
  // Never traced: this function must get no lens.
}

export function loadRates(): number {
  return tracer.startActiveSpan('latencyFixture.loadRates', () => 42);
}

export function shipOrder(weightKg: number): number {
  return weightKg * 2; // shipOrder span line (sent to a real Jaeger)
}
