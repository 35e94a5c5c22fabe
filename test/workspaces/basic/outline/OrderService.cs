// Fixture of test/integration/outlineLenses.test.ts: spans carrying code.namespace = Shop.Orders.OrderService
// and code.function = CheckoutAsync, no file path.
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
}
