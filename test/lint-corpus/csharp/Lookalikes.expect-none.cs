using System.Diagnostics;

namespace Shop;

public class Lookalikes
{
    private static readonly ActivitySource Source = new("Shop");
    private const string Route = "GET /users/{id}";

    public void Ok(string id, string method, Dictionary<string, string> tags, Widget widget)
    {
        using var a = Source.StartActivity("oauth2 callback");
        using var b = Source.StartActivity(Route);
        using var c = Source.StartActivity($"{method} {Route}");
        using var d = Source.StartActivity(nameof(Ok));
        a?.SetTag("gen_ai.usage.input_tokens", 3);
        a?.SetTag("messaging.kafka.message.key", id);
        a?.SetTag("author", "me");
        a?.SetTag("app.token.type", "bearer");
        tags.Add("password", id);
        widget.SetTag("password", id);
        widget.DisplayName = $"user {id}";
        var message = $"user {id}";
        var passwordSetting = "ConnectionStrings:Password";
    }
}

public class Widget
{
    public string DisplayName { get; set; } = "";
    public void SetTag(string k, string v) {}
}
