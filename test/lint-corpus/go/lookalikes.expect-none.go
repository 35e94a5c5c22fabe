package shop

import (
	"context"
	"fmt"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
)

type job struct{ name string }

func (j *job) SetName(n string) { j.name = n }

type stopwatch struct{}

func (stopwatch) Start(ctx context.Context, label string) {}

func OK(ctx context.Context, id string, route string, method string) {
	j := &job{}
	j.SetName(fmt.Sprintf("job %s", id))
	sw := stopwatch{}
	sw.Start(ctx, fmt.Sprintf("step %s", id))
	tr := otel.Tracer("ok")
	_, span := tr.Start(ctx, "oauth2 callback")
	defer span.End()
	_, s2 := tr.Start(ctx, "GET /users/{id}")
	defer s2.End()
	_, s3 := tr.Start(ctx, method+" "+route)
	defer s3.End()
	span.SetAttributes(
		attribute.String("messaging.kafka.message.key", id),
		attribute.Int("gen_ai.usage.output_tokens", 3),
		attribute.String("author", "me"),
		attribute.Bool("app.has_token", true),
		attribute.String("app.token.type", "bearer"),
	)
	fmt.Println(time.Now(), "GET /users/"+id)
}
