package com.example.shop;

import io.opentelemetry.instrumentation.annotations.WithSpan;

/**
 * Run under the OpenTelemetry Java agent 2.10.0 with its defaults by test/e2e/outlineLanguages.test.ts:
 * its spans carry only code.namespace=com.example.shop.Shop and code.function=<method>.
 */
public class Shop {
  private int stock = 100;

  @WithSpan
  public int checkout(int cart) {
    return cart * 2;
  }

  @WithSpan("refill stock")
  @SuppressWarnings("unused")
  int restock(int items) {
    stock += items;
    return stock;
  }

  int idle() {
    return 0;
  }

  public static void main(String[] args) {
    Shop shop = new Shop();
    for (int i = 0; i < 8; i++) shop.checkout(i);
    for (int i = 0; i < 5; i++) shop.restock(i);
    // The agent's shutdown hook flushes the batch span processor.
  }
}
