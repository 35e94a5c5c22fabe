// Fixture of test/integration/outlineLenses.test.ts: the Java agent's spans of these @WithSpan methods
// carry only code.namespace=Shop and code.function=<method> (no file, no line), and the workspace has
// no Java extension: the lenses come from Trace Lens's bundled parser and the qualified names.
import io.opentelemetry.instrumentation.annotations.WithSpan;

public class Shop {
  public static void main(String[] args) {
    Shop shop = new Shop();
    for (int i = 0; i < 60; i++) {
      shop.checkout(i);
      shop.restock(i);
    }
  }

  @WithSpan
  public int checkout(int cart) {
    return cart * 2;
  }

  @WithSpan("restock")
  @SuppressWarnings("unused")
  int restock(int item) {
    return item + 1;
  }

  int idle() {
    return 0;
  }
}
