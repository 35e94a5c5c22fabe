using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Shop;

public sealed class Worker
{
    private static readonly ActivitySource _activitySource = new("Shop.Worker");

    public void Handle(Message message, Customer customer, HttpContext ctx)
    {
        using var activity = _activitySource.StartActivity($"Process message {message.Id}", ActivityKind.Consumer); // expect: SN001
        activity?.SetTag("messaging.message.id", message.Id);
        activity?.SetTag("customer.iban", customer.Iban); // expect: SD001
        Activity.Current?.SetTag("http.request.header.cookie", ctx.Request.Headers.Cookie); // expect: SD001 SD002
        using var batch = _activitySource.StartActivity("process batch");
        batch?.SetTag("batch.size", 10);
    }
}

public record Message(string Id);
public record Customer(string Iban);
