// Fixture of test/integration/tempoLatency.test.ts: the documented Tempo answers replayed there
// (test/fixtures/backends/tempo-documented) carry code.* attributes that point at these functions, as a
// checkout service deployed under /srv/checkout reports them; the line numbers match the spans'.
declare function charge(amountCents: number): Promise<boolean>;
declare function reserve(sku: string): Promise<void>;

export async function placeOrder(skus: string[], totalCents: number): Promise<string> {
  for (const sku of skus) await reserveStock(sku);
  const paid = await chargeCard(totalCents); // placeOrder span line
  return paid ? 'placed' : 'declined';
}

export async function chargeCard(amountCents: number): Promise<boolean> {
  // Card payments go to the provider once; the caller decides about retries.
  const cents = Math.round(amountCents);
  return charge(cents); // chargeCard span line
}

export async function reserveStock(sku: string): Promise<void> {
  if (sku.trim() === '') {
    throw new Error('empty SKU');
  }
  await reserve(sku); // reserveStock span line
}

export function cancelOrder(orderId: string): string {
  // Never traced: this function must get no lens.
  return `cancelled ${orderId}`;
}
