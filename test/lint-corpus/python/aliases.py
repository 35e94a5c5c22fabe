from opentelemetry import trace as ot

tr = ot.get_tracer(__name__)
SECRET_ATTR = "app.client_secret"


@tr.start_as_current_span("invoice 550e8400-e29b-41d4-a716-446655440000")  # expect: SN011
def invoice(invoice_id):
    current = ot.get_current_span()
    current.set_attribute(SECRET_ATTR, "x")  # expect: SD001
    with tr.start_as_current_span("invoice %d" % invoice_id) as s:  # expect: SN001
        s.set_attribute("invoice.id", invoice_id)
