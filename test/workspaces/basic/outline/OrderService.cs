// Fixture of test/integration/outlineLenses.test.ts and test/e2e/outlineLanguages.test.ts: spans carrying
// code.namespace = Shop.Orders.OrderService and code.function = CheckoutAsync (or Refund), no file path.
// There is no .NET SDK on the test machines: the e2e test sends spans in the shape the OpenTelemetry
// .NET SDK exports for these activities, with the code.* tags an enricher adds (see the README).
using System.Diagnostics;
using System.Threading.Tasks;

namespace Shop.Orders;

public sealed class OrderService
{
    private static readonly ActivitySource Source = new("Shop.Orders");

    [Obsolete("use CheckoutV2Async")]
    public async Task<int> CheckoutAsync(int cart)
    {
        using var activity = Source.StartActivity("checkout");
        return await Task.FromResult(cart * 2);
    }

    public int Refund(int order)
    {
        using var activity = Source.StartActivity("refund");
        return order;
    }
}
