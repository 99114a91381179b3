using TriggerPlugins.Host.Events;

namespace TriggerPlugins.Admin.Pages;

/// <summary>The built-in call events the configuration preview renders with (the admin may paste one instead).</summary>
public static class SampleCalls
{
    /// <summary>Name and JSON of each sample, as the events API receives them.</summary>
    public static IReadOnlyList<(string Name, string Json)> All { get; } =
    [
        ("Inbound call, answered", """{"id":"sample-0001","kind":"call-end","direction":"inbound","callerNumber":"+390612345678","callerName":"Mario Rossi","calledNumber":"+390699999999","queue":"support","status":"answered","agent":{"id":"1","name":"Alice Rossi","email":"alice.rossi@contoso.com","extension":"1001"},"startTime":"2025-03-14T09:30:00+01:00","answerTime":"2025-03-14T09:30:20+01:00","endTime":"2025-03-14T09:35:00+01:00","holdSeconds":0,"talkSeconds":280,"totalSeconds":300,"disposition":"solved","variables":{"lang":"it"}}"""),
        ("Inbound call, abandoned", """{"id":"sample-0002","kind":"abandon","direction":"inbound","callerNumber":"+441632960961","callerName":"Jane Doe","calledNumber":"+390699999999","queue":"support","status":"abandoned","startTime":"2025-03-14T09:40:00+01:00","endTime":"2025-03-14T09:41:30+01:00","holdSeconds":90,"totalSeconds":90}"""),
        ("Outbound call, answered", """{"id":"sample-0003","kind":"call-end","direction":"outbound","callerNumber":"+390699999999","calledNumber":"06 1234 5678","queue":"sales","status":"answered","agent":{"id":"2","name":"Bruno Bianchi","email":"bruno.bianchi@contoso.com","extension":"1002"},"startTime":"2025-03-14T10:00:00+01:00","answerTime":"2025-03-14T10:00:12+01:00","endTime":"2025-03-14T10:04:12+01:00","talkSeconds":240,"totalSeconds":252,"disposition":"follow-up"}"""),
    ];

    /// <summary>Sample <paramref name="index"/>, or the pasted JSON when <paramref name="index"/> is -1.</summary>
    public static (CallEvent? Call, string? Error) Get(int index, string? pasted)
    {
        var json = index >= 0 && index < All.Count ? All[index].Json : pasted;
        if (string.IsNullOrWhiteSpace(json))
        {
            return (null, "paste a call event (JSON) or choose a sample");
        }

        var parsed = CallEventReader.Parse(json.ReplaceLineEndings(" "), 1);
        return (parsed.Event, parsed.Error is null ? null : "pasted call event: " + parsed.Error);
    }
}
