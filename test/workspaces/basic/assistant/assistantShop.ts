// Fixture of test/integration/assistantTools.test.ts: the spans that suite sends carry code.* attributes
// pointing at these functions, as a shop service deployed under /srv/shop reports them.
declare function query(sql: string, id: number): Promise<unknown>;
declare function pay(cents: number): Promise<boolean>;

export async function handleCheckout(cartId: number): Promise<boolean> {
  const items = await loadCart(cartId); // handleCheckout span line
  return chargePayment(items.length * 100);
}

export async function loadCart(cartId: number): Promise<unknown[]> {
  const items: unknown[] = [];
  for (let id = 1; id <= 6; id++) items.push(await query('SELECT * FROM items WHERE id = ?', id + cartId)); // loadCart span line
  return items;
}

export async function chargePayment(cents: number): Promise<boolean> {
  return pay(cents); // chargePayment span line
}
