using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Shop;

public class OrderController
{
    private static readonly ActivitySource Source = new("Shop");
    private const string PasswordTag = "db.password";
    private const string LegacyName = "legacy sync 99812";
    private static readonly string ApiToken = "tok-4f3e2d1c0b9a8877"; // expect: SD003

    public void Get(HttpContext context, string orderId, User user)
    {
        using var a = Source.StartActivity($"GET /orders/{orderId}"); // expect: SN001
        using var b = Source.StartActivity(context.Request.Path); // expect: SN002
        using var c = Source.StartActivity("order " + orderId, ActivityKind.Server); // expect: SN001
        using var d = Source.StartActivity(string.Format("order {0}", orderId)); // expect: SN001
        using var e = Source.StartActivity(LegacyName); // expect: SN011
        using var f = Source.StartActivity("GET /orders/{id}");
        using var g = Source.StartActivity(ActivityKind.Internal, name: "export 5d41402abc4b"); // expect: SN011
        a?.SetTag("app.order.id", orderId);
        a?.SetTag(PasswordTag, user.Password); // expect: SD001 SD002
        a?.SetTag("app.user.email", user.Email); // expect: SD001
        a?.SetTag("app.auth", context.Request.Headers["Authorization"]); // expect: SD001 SD002
        a?.SetTag("app.headers", context.Request.Headers.ToString()); // expect: SD002
        Activity.Current?.AddTag("app.api_key", user.ApiKey); // expect: SD001 SD002
        a?.SetTag("gen_ai.usage.output_tokens", 12);
        if (a != null) a.DisplayName = $"order {orderId}"; // expect: SN001
        if (b != null) b.DisplayName = "order";
        using var h = Source.StartActivity("checkout", ActivityKind.Internal, default(ActivityContext),
            tags: new Dictionary<string, object?> { ["app.plan"] = user.Plan, ["app.cvv"] = user.Cvv }); // expect: SD001
    }

    public static void Configure()
    {
        Environment.SetEnvironmentVariable("OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SERVER_REQUEST", "authorization"); // expect: SD005
        var key = "AKIAJQABCDEFGHIJKLMN"; // expect: SD003
    }
}

public class User
{
    public string Password { get; set; } = "";
    public string Email { get; set; } = "";
    public string ApiKey { get; set; } = "";
    public string Plan { get; set; } = "";
    public string Cvv { get; set; } = "";
}
