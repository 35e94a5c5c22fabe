// Fixture of test/integration/backendLatency.test.ts: the spans that test sends to real Jaeger (with
// and without SPM) and Zipkin carry code.* attributes naming the functions below.
export async function handleCheckout(cartId: string): Promise<number> {
  const items = await loadCart(cartId);
  const total = priceCart(items);
  await chargeCard(cartId, total);
  return shipParcel(items.length);
}

export async function loadCart(cartId: string): Promise<string[]> {
  return cartId.split(',');
}

export function priceCart(items: string[]): number {
  return items.reduce((sum, item) => sum + item.length, 0);
}

export async function chargeCard(cartId: string, total: number): Promise<void> {
  if (total < 0) throw new Error(`negative total for ${cartId}`);
}

export function shipParcel(parcels: number): number {
  return parcels * 2;
}

export function searchCatalog(query: string): string[] {
  return query.split(' ');
}
