using System.Collections.Generic;
using System.Diagnostics;

namespace Shop;

public class Tags
{
    private static readonly ActivitySource Source = new("Shop.Tags");

    public void Run(string apiKey, string region)
    {
        var tags = new ActivityTagsCollection { { "app.region", region } };
        using var a = Source.StartActivity("run", ActivityKind.Internal, default(ActivityContext),
            tags: new[] { new KeyValuePair<string, object?>("app.api_key", apiKey) }); // expect: SD001 SD002
        using var b = Source.StartActivity("run2", ActivityKind.Internal, default(ActivityContext),
            tags: new Dictionary<string, object?> { { "app.secret_token", apiKey }, { "app.region", region } }); // expect: SD001 SD002
        a?.SetTag("app.region", region).SetTag("app.password", apiKey); // expect: SD001 SD002
    }
}
