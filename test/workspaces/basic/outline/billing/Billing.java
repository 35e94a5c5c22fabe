// Fixture of test/integration/outlineLenses.test.ts: not open when its spans arrive. They carry only
// code.namespace=com.acme.billing.Billing and code.function=charge; the workspace search finds this
// file by the class name and the declared package, and the lens is there when the file is opened.
package com.acme.billing;

import io.opentelemetry.instrumentation.annotations.WithSpan;

public class Billing {
  @WithSpan
  public long charge(long cents) {
    return cents;
  }
}
