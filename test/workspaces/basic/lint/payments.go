package payments

import (
	"context"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
)

func Charge(ctx context.Context, cardNumber string) {
	_, span := otel.Tracer("payments").Start(ctx, "charge")
	defer span.End()
	span.SetAttributes(attribute.String("payment.card_number", cardNumber))
}
