// The .NET service of test/e2e/outlineLanguages.test.ts. There is no .NET SDK on the test machine: the
// test sends spans in the shape the OpenTelemetry .NET SDK exports for these activities, with the
// code.namespace / code.function tags an enricher adds (see the README).
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
